// The shell every page shares: head, a skip link, the site header with navigation, and the footer.
// Pure: strings in, HTML out.
import { type Html, html } from './html.js';
import { type SocialMeta, socialTags } from './social-tags.js';

export interface NavLink {
  href: string;
  label: string;
  current: boolean;
}

export interface PageShell {
  title: string;
  description: string;
  /** Relative path from the page to the site root: '' or '../'. */
  root: string;
  nav: NavLink[];
  /** Extra head elements: preloads and the page script. */
  head?: Html;
  main: Html;
  builtAt: string;
  /** The daily workflow in the repository's Actions tab, linked from the staleness warning; when known. */
  actionsUrl?: string;
  /** Social preview and canonical tags (social-tags.ts); absent on pages built without them. */
  social?: SocialMeta;
}

/** An inline icon, so browsers do not request /favicon.ico (a 404 on GitHub Pages). */
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'%3E%3Ccircle cx='50' cy='50' r='42' fill='%234c78a8'/%3E%3Cpolygon points='50,22 76,68 24,68' fill='%23fff'/%3E%3C/svg%3E";

export function page(p: PageShell): string {
  return `<!doctype html>\n${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title}</title>
<meta name="description" content="${p.description}">
${p.social ? socialTags(p.social, p.title, p.description, p.root) : ''}<link rel="icon" href="${FAVICON}">
<link rel="stylesheet" href="${p.root}assets/styles.css">
${p.head ?? ''}</head>
<body data-root="${p.root || './'}"${p.actionsUrl ? html` data-actions="${p.actionsUrl}"` : ''}>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><div class="bar">
<a class="brand" href="${p.root || './'}">gitml</a>
<nav aria-label="Site">${p.nav.map(
      (l) => html`<a href="${l.href}"${l.current ? html` aria-current="page"` : ''}>${l.label}</a>`,
    )}</nav>
</div></header>
<main id="main">
${p.main}
</main>
<footer class="site">
<p>Built ${p.builtAt} from the repository's files by gitml: a serverless ML system that lives in one GitHub repository. Predictions run in your browser; nothing you enter leaves it.</p>
<p><a href="${p.root}assets/THIRD-PARTY-NOTICES.txt">Licences of the bundled third-party software</a></p>
</footer>
</body>
</html>
`.text
  }`;
}
