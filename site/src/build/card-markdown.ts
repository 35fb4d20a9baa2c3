// The model card's markdown as HTML, at build time: exactly the subset model-card.ts writes (headings,
// paragraphs, pipe tables, fenced code, **bold** and `code` inline), every text escaped. The browser gets
// HTML, never a markdown parser. Pure: no I/O.
import { Html, html } from './templates/html.js';

export interface CardHtmlOptions {
  /** Headings of sections to leave out (the page shows them otherwise), matched by their start. */
  skipSections?: readonly string[];
  /** Level of the card's '#' heading on the page (its '##' one below). */
  topLevel?: 2 | 3;
}

/** **bold** and `code` inside a line of text. */
export function inline(text: string): Html {
  const parts = text.split(/(\*\*[^*]+\*\*|`[^`]+`)/g).filter((p) => p !== '');
  return html`${parts.map((p) =>
    p.startsWith('**') && p.endsWith('**') && p.length > 4
      ? html`<strong>${p.slice(2, -2)}</strong>`
      : p.startsWith('`') && p.endsWith('`') && p.length > 2
        ? html`<code>${p.slice(1, -1)}</code>`
        : p,
  )}`;
}

/** A table row's cells: the card writes them as '| a | b |' (a cell may hold '|r|' without spaces). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(' | ')
    .map((c) => c.trim());
}

const isSeparator = (line: string) => /^\|(\s*:?-+:?\s*\|)+\s*$/.test(line.trim());

function table(lines: string[], n: number): Html {
  const head = cells(lines[0]).slice(0, n);
  while (head.length < n) head.push('');
  const body = lines.slice(2).map((l) => {
    const c = cells(l);
    if (c.length > n) c.splice(n - 1, c.length, c.slice(n - 1).join(' | '));
    while (c.length < n) c.push('');
    return c;
  });
  // A header row with no text (the lineage table's '| | |'): no header, the first column heads its row.
  const thead = head.some((h) => h !== '')
    ? html`<thead><tr>${head.map((h) => (h === '' ? html`<td></td>` : html`<th scope="col">${inline(h)}</th>`))}</tr></thead>`
    : '';
  return html`<div class="table-scroll" role="region" aria-label="${head.filter(Boolean).join(', ') || body[0]?.[0] || 'table'}" tabindex="0"><table>${thead}<tbody>
${body.map(
  (
    r,
  ) => html`<tr><th scope="row">${inline(r[0])}</th>${r.slice(1).map((c) => html`<td>${inline(c)}</td>`)}</tr>
`,
)}</tbody></table></div>
`;
}

export function cardHtml(markdown: string, opts: CardHtmlOptions = {}): Html {
  const top = opts.topLevel ?? 2;
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const out: Html[] = [];
  let skipping = false;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const h = /^(#{1,3}) (.*)$/.exec(line);
    if (h) {
      const level = Math.min(6, top + h[1].length - 1);
      skipping = h[1].length > 1 && (opts.skipSections ?? []).some((s) => h[2].startsWith(s));
      // The level is a number computed here, so the tag is safe to write as it is.
      if (!skipping)
        out.push(html`${new Html(`<h${level}>`)}${inline(h[2])}${new Html(`</h${level}>`)}
`);
      i++;
      continue;
    }
    if (line.startsWith('```')) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !lines[i].startsWith('```')) code.push(lines[i++]);
      i++;
      if (!skipping)
        out.push(html`<pre><code>${code.join('\n')}</code></pre>
`);
      continue;
    }
    if (line.startsWith('|') && i + 1 < lines.length && isSeparator(lines[i + 1])) {
      const rows: string[] = [];
      while (i < lines.length && lines[i].startsWith('|')) rows.push(lines[i++]);
      // The separator row ('|---|---|') counts the columns.
      if (!skipping) out.push(table(rows, rows[1].trim().split('|').length - 2));
      continue;
    }
    if (line.trim() === '') {
      i++;
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() !== '' && !/^(#|```|\|)/.test(lines[i])) para.push(lines[i++]);
    if (para.length === 0) para.push(lines[i++]);
    if (!skipping)
      out.push(html`<p>${inline(para.join(' '))}</p>
`);
  }
  return html`${out}`;
}
