// `npm run bench`: runs the benchmark suites side by side with their Python peers (pandas,
// scikit-learn as /usr/bin/python3) in one run, prints one line per case, and writes
// reports/bench/results.json plus a Vega-Lite chart of the ratios. Not a test: nothing here fails on time.
// results.json keeps the lines of suites this run did not run (`--suite store` refreshes only store's
// lines); `--fresh` drops them. The README's benchmark table is rewritten from results.json
// (scripts/bench-table.mjs) when the results go to their default place. `--help` lists suites and options.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stableStringify } from '../../actions/lib/core/json.js';
import { benchTable, updateReadme } from '../../scripts/bench-table.mjs';
import { suite as daily } from './daily.js';
import { suite as forest } from './forest.js';
import { suite as forestWide } from './forest-wide.js';
import { suite as generator } from './generator.js';
import { type BenchLine, findPython, formatLine, type Suite } from './harness.js';
import { suite as inferMemory } from './infer-memory.js';
import { suite as ingestMemory } from './ingest-memory.js';
import { suite as knnWide } from './knn-wide.js';
import { suite as linear } from './models-linear.js';
import { suite as nbKnn } from './models-nb-knn.js';
import { suite as pipeline } from './pipeline.js';
import { suite as site } from './site.js';
import { suite as siteLighthouse } from './site-lighthouse.js';
import { suite as startup } from './startup.js';
import { suite as store } from './store.js';

const SUITES: Record<string, Suite> = {
  store,
  'models-nb-knn': nbKnn,
  'models-linear': linear,
  forest,
  'forest-wide': forestWide,
  pipeline,
  site,
  'site-lighthouse': siteLighthouse,
  generator,
  'knn-wide': knnWide,
  'ingest-memory': ingestMemory,
  daily,
  'infer-memory': inferMemory,
  startup,
};

const OUT = 'reports/bench';
const OPTIONS = {
  suite: { type: 'string', default: Object.keys(SUITES).join(',') },
  repeats: { type: 'string', default: '5' },
  runs: { type: 'string', default: '3' },
  keep: { type: 'boolean' },
  out: { type: 'string', default: OUT },
  // Drop the lines of suites not run this time (by default they are kept from results.json).
  fresh: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `Usage: npm run bench -- [options]

Runs benchmark suites beside their peers (pandas, scikit-learn as /usr/bin/python3), ours and the peer
alternating pair by pair, prints one line per case and merges the lines into <out>/results.json (lines of
suites not run are kept). With the default --out, README.md's benchmark table is rewritten from it.

Suites (default: all, in this order):
${Object.keys(SUITES)
  .map((n) => `  ${n}`)
  .join('\n')}

Options:
  --suite a,b     run only these suites (comma-separated)
  --repeats n     timed pairs per case (default 5)
  --runs n        Lighthouse runs per page and preset, their median reported (default 3)
  --out dir       where results.json, ratios.vl.json and README.md go (default ${OUT})
  --fresh         drop the lines of suites not run this time
  --keep          keep the scratch directory (its path is printed)
  -h, --help      this text`;

function parseOptions() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}
const values = parseOptions();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const names = values.suite!.split(',');
const unknown = names.filter((n) => !SUITES[n]);
if (unknown.length > 0) {
  console.error(
    `bench: unknown suite ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${Object.keys(SUITES).join(', ')} (npm run bench -- --help)`,
  );
  process.exit(2);
}
const repeats = Number(values.repeats);
if (!Number.isInteger(repeats) || repeats < 1) {
  console.error(`bench: --repeats must be a whole number ≥ 1, not '${values.repeats}'`);
  process.exit(2);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench: --runs must be a whole number ≥ 1, not '${values.runs}'`);
  process.exit(2);
}
const python = findPython();
const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'gitml-bench-'));
const lines: BenchLine[] = [];
console.log(
  `bench: ${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
);
console.log(
  python
    ? `bench: peers run as ${python} (pandas, scikit-learn)`
    : 'bench: /usr/bin/python3 with pandas and scikit-learn not found — running ours alone. For side-by-side figures: apt-get install -y python3-pandas python3-sklearn',
);
try {
  for (const n of names) {
    console.log(`bench: suite ${n}`);
    await SUITES[n]({
      repeats,
      runs,
      tmpDir,
      python,
      add(line) {
        lines.push({ ...line, date: new Date().toISOString().slice(0, 10) });
        console.log(formatLine(line));
      },
      log: (m) => console.log(m),
    });
  }
} finally {
  if (values.keep) console.log(`bench: scratch directory kept at ${tmpDir}`);
  else rmSync(tmpDir, { recursive: true, force: true });
}
mkdirSync(values.out!, { recursive: true });
const resultsPath = path.join(values.out!, 'results.json');
if (!values.fresh && existsSync(resultsPath)) {
  const kept = (JSON.parse(readFileSync(resultsPath, 'utf8')).lines as BenchLine[]).filter(
    (l) => !names.includes(l.suite),
  );
  // Suites in their registry order whichever run wrote them; lines within a suite as that run wrote them.
  const order = Object.keys(SUITES);
  const rank = (l: BenchLine) => (order.includes(l.suite) ? order.indexOf(l.suite) : order.length);
  const merged = [...kept, ...lines].map((l, i) => ({ l, i }));
  merged.sort((a, b) => rank(a.l) - rank(b.l) || a.i - b.i);
  lines.splice(0, lines.length, ...merged.map((m) => m.l));
}
const machine = {
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? '',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  python: python !== null,
};
const results = { date: new Date().toISOString().slice(0, 10), machine, lines };
writeFileSync(resultsPath, stableStringify(results));
writeFileSync(path.join(values.out!, 'ratios.vl.json'), stableStringify(ratioChart(lines)));
// Rendered from the file as written (sorted keys), so it is the very table the README check expects.
const written = JSON.parse(readFileSync(resultsPath, 'utf8'));
writeFileSync(path.join(values.out!, 'README.md'), `# Benchmarks\n\n${benchTable(written)}\n`);
console.log(`bench: wrote ${values.out}/results.json, ratios.vl.json and README.md`);
if (path.resolve(values.out!) === path.resolve(OUT) && existsSync('README.md')) {
  updateReadme({ root: process.cwd() });
  console.log("bench: README.md's benchmark table rewritten from results.json");
}

function ratioChart(ls: BenchLine[]) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Ours ÷ peer (median wall time; < 1 is faster)',
    description:
      'Benchmark ratios of gitml against pandas and scikit-learn, one bar per case with the min–max range.',
    data: {
      values: ls
        .filter((l) => l.ratio)
        .map((l) => ({
          case: `${l.suite} · ${l.name}`,
          peer: l.peerName,
          median: l.ratio!.median,
          min: l.ratio!.min,
          max: l.ratio!.max,
        })),
    },
    width: 480,
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'case', type: 'nominal', sort: null, title: null },
          x: { field: 'median', type: 'quantitative', title: 'ratio ours / peer' },
          tooltip: [{ field: 'case' }, { field: 'peer' }, { field: 'median', format: '.2f' }],
        },
      },
      {
        mark: 'rule',
        encoding: {
          y: { field: 'case', type: 'nominal', sort: null },
          x: { field: 'min', type: 'quantitative' },
          x2: { field: 'max' },
        },
      },
      {
        data: { values: [{ one: 1 }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
        encoding: { x: { field: 'one', type: 'quantitative' } },
      },
    ],
  };
}
