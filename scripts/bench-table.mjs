// The README's benchmark table, generated from reports/bench/results.json so every figure it shows has a
// line in that file behind it. `node scripts/bench-table.mjs` rewrites the block between the markers in
// README.md; `--check` only compares (exit 1 when they differ). `npm run bench` rewrites it too, and
// test/bench/bench-table.test.ts fails when the committed README and results.json disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const START = '<!-- bench-table:start -->';
export const END = '<!-- bench-table:end -->';
export const RESULTS = 'reports/bench/results.json';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (r) => `**${r.median.toFixed(2)}×** [${r.min.toFixed(2)}–${r.max.toFixed(2)}]`;
// A cell never splits the row: pipes escaped, line breaks flattened.
const cell = (s) =>
  String(s)
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');

/** The markdown of a parsed results.json: one sentence on how it was measured, then one row per line. */
export function benchTable(results) {
  const m = results.machine ?? {};
  const dates = [...new Set(results.lines.map((l) => l.date ?? results.date))].sort();
  const rows = results.lines.map((l) => {
    const extra = l.extra
      ? Object.keys(l.extra)
          .sort()
          .map((k) => `${k} ${l.extra[k]}`)
          .join(', ')
      : '';
    const peer = l.peer ? `${ms(l.peer.median)} ms (${l.peerName})` : '—';
    return `| ${[l.suite, l.name, `${ms(l.ours.median)} ms`, peer, l.ratio ? ratio(l.ratio) : '—', l.goal ?? '', extra, l.date ?? results.date].map(cell).join(' | ')} |`;
  });
  return [
    `Measured ${dates.length > 1 ? `${dates[0]} to ${dates.at(-1)}` : dates[0]} · node ${m.node} · ${m.cpus} × ${m.cpu} · ${m.memoryGiB} GiB · peers: ${m.python ? '/usr/bin/python3 with pandas and scikit-learn' : 'none'}. ours and peer: median wall time; ratio = ours ÷ peer per pair (the two sides alternate pair by pair), median [min–max]. Generated from [\`${RESULTS}\`](${RESULTS}) by \`scripts/bench-table.mjs\`.`,
    '',
    '| suite | case | ours | peer | ratio | goal | notes | date |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** `readme` with the block between the markers replaced by `table`; throws when the markers are missing. */
export function withBenchTable(readme, table) {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a)
    throw new Error(
      `bench-table: README.md has no '${START}' … '${END}' block, the table's place; put the two markers in its Benchmarks section`,
    );
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
}

/** The block as README.md holds it now (between the markers, without them), or null. */
export function currentBenchTable(readme) {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  return a < 0 || b < a ? null : readme.slice(a + START.length, b).replace(/^\n|\n$/g, '');
}

/** Rewrites README.md's block from results.json (or, with check, only compares); true when it was current. */
export function updateReadme({ root = REPO_ROOT, check = false } = {}) {
  const results = JSON.parse(readFileSync(path.join(root, RESULTS), 'utf8'));
  const readmePath = path.join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const next = withBenchTable(readme, benchTable(results));
  if (next === readme) return true;
  if (!check) writeFileSync(readmePath, next);
  return false;
}

// Run as a script only (the bench runner bundles this file, where import.meta.url is the bundle's).
if (process.argv[1] && path.basename(process.argv[1]) === 'bench-table.mjs') {
  const check = process.argv.includes('--check');
  try {
    const current = updateReadme({ check });
    if (check && !current) {
      console.error(
        `bench-table: README.md's benchmark table differs from ${RESULTS}; run \`node scripts/bench-table.mjs\` and commit README.md`,
      );
      process.exit(1);
    }
    console.log(
      current ? 'bench-table: README.md is current' : `bench-table: README.md rewritten from ${RESULTS}`,
    );
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
