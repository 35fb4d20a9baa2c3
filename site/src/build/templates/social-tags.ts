// Social preview and search tags of a page: Open Graph (title, description, image, url), the Twitter
// card, and the canonical link. The page's address and an absolute image address need the site's URL,
// known when the build runs in Actions (GitHub Pages); without it og:url and the canonical link are left
// out rather than guessed, and og:image is relative to the page. Pure: no I/O.
import { type Html, html } from './html.js';

export interface SocialMeta {
  /** The preview image, relative to the site root (a 1200×630 PNG). */
  image: string;
  /** What the image shows, for og:image:alt. */
  imageAlt: string;
  /** The page, relative to the site root ('' for the home page, 'iris/' for a folder's index.html). */
  path: string;
  /** The site's address with a trailing slash (https://owner.github.io/repo/), when known. */
  siteUrl?: string;
}

export const OG_IMAGE_SIZE = { width: 1200, height: 630 };

/** `root`: the page's relative path to the site root ('' or '../'). */
export function socialTags(s: SocialMeta, title: string, description: string, root: string): Html {
  const base = s.siteUrl ? (s.siteUrl.endsWith('/') ? s.siteUrl : `${s.siteUrl}/`) : null;
  const url = base ? `${base}${s.path}` : null;
  const image = base ? `${base}${s.image}` : `${root}${s.image}`;
  return html`${
    url
      ? html`<link rel="canonical" href="${url}">
`
      : ''
  }<meta property="og:type" content="website">
<meta property="og:site_name" content="gitml">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${description}">
${
  url
    ? html`<meta property="og:url" content="${url}">
`
    : ''
}<meta property="og:image" content="${image}">
<meta property="og:image:type" content="image/png">
<meta property="og:image:width" content="${OG_IMAGE_SIZE.width}">
<meta property="og:image:height" content="${OG_IMAGE_SIZE.height}">
<meta property="og:image:alt" content="${s.imageAlt}">
<meta name="twitter:card" content="summary_large_image">
`;
}
