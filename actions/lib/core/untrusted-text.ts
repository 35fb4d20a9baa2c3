// Text that comes from data, file names or a pull request, made safe for where it is shown: one log line
// the Actions runner cannot read as a workflow command, HTML for the job summary, Markdown for comments.
// The runner (actions/runner ActionCommand.cs) reads a command from a line that starts with `::` after
// leading white space, or that holds the legacy `##[` prefix anywhere; lines end at \n, \r or \r\n.

// Line breaks and every other control (Cc: C0, DEL, C1), line/paragraph separator and invisible format
// character (Cf: bidi overrides, zero-width marks, BOM): shown as an escape so a name cannot start a
// line or hide part of itself. A tab is harmless and stays.
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const NAMED: Record<string, string> = { '\t': '\t', '\n': '\\n', '\r': '\\r', '\u001b': '\\e' };
const hex = (ch: string) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`;

/**
 * One visible line: line breaks and invisible characters as escapes (\n, \r, \u2028 …), the legacy
 * command prefix `##[` broken up, and a line that would start with `::` prefixed so it is plain text.
 */
export function oneLine(text: unknown): string {
  const s = String(text)
    .replace(INVISIBLE, (ch) => NAMED[ch] ?? hex(ch))
    .replace(/##\[/g, '#\\#[');
  // .NET's TrimStart() before the `::` test strips Unicode white space; \s is the same set here.
  return /^\s*::/.test(s) ? `\\${s}` : s;
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Markup characters as entities, everything else (line breaks too) as it is: for element content and
 * quoted attribute values alike (the site's templates, whose pages may hold multi-line text).
 */
export function htmlEntities(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML[ch]);
}

/** Text for HTML (the job summary): one line, markup characters as entities. */
export function escapeHtml(text: unknown): string {
  return htmlEntities(oneLine(text));
}

/** An absolute http(s) URL, or null: a `javascript:` or relative link from data is never emitted. */
export function safeUrl(href: string): string | null {
  try {
    const u = new URL(href);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * Text for a Markdown table cell or paragraph (pull-request comments): one line, HTML and Markdown
 * syntax escaped, pipes escaped, and @mentions / #references broken so data cannot ping anyone.
 */
export function markdownText(text: unknown): string {
  return oneLine(text)
    .replace(/[\\`*[\]~|]|(?<!\w)_|_(?!\w)/g, (ch) => `\\${ch}`) // snake_case stays as it is
    .replace(/([@#])(?=\w)/g, '$1\u200b')
    .replace(/[&<>]/g, (ch) => HTML[ch]);
}

/** A Markdown code span that holds any text: a fence longer than the longest backtick run inside. */
export function markdownCode(text: unknown): string {
  const s = oneLine(text).replace(/\|/g, '\\|'); // a pipe ends a table cell even inside a code span
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') || s.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}
