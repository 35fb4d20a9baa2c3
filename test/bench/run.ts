// `npm run bench`: runs the benchmark suites side by side with their Python peers (pandas,
// scikit-learn as /usr/bin/python3) in one run, prints one line per case, and writes
// reports/bench/results.json plus a Vega-Lite chart of the ratios. Not a test: nothing here fails on time.
// results.json keeps the lines of suites this run did not run (`--suite store` refreshes only store's
// lines); `--fresh` drops them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stableStringify } from '../../actions/lib/json.js';
import { suite as forest } from './forest.js';
import { suite as forestWide } from './forest-wide.js';
import { suite as generator } from './generator.js';
import { type BenchLine, findPython, formatLine, type Suite } from './harness.js';
import { suite as linear } from './models-linear.js';
import { suite as nbKnn } from './models-nb-knn.js';
import { suite as pipeline } from './pipeline.js';
import { suite as site } from './site.js';
import { suite as store } from './store.js';

const SUITES: Record<string, Suite> = {
  store,
  'models-nb-knn': nbKnn,
  'models-linear': linear,
  forest,
  'forest-wide': forestWide,
  pipeline,
  site,
  generator,
};

const { values } = parseArgs({
  options: {
    suite: { type: 'string', default: Object.keys(SUITES).join(',') },
    repeats: { type: 'string', default: '5' },
    keep: { type: 'boolean' },
    out: { type: 'string', default: 'reports/bench' },
    // Drop the lines of suites not run this time (by default they are kept from results.json).
    fresh: { type: 'boolean' },
  },
});
const names = values.suite!.split(',');
for (const n of names)
  if (!SUITES[n]) throw new Error(`unknown suite '${n}' (known: ${Object.keys(SUITES).join(', ')})`);
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
      repeats: Number(values.repeats),
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
  if (!values.keep) rmSync(tmpDir, { recursive: true, force: true });
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
writeFileSync(
  path.join(values.out!, 'results.json'),
  stableStringify({ date: new Date().toISOString().slice(0, 10), machine, lines }),
);
writeFileSync(path.join(values.out!, 'ratios.vl.json'), stableStringify(ratioChart(lines)));
writeFileSync(path.join(values.out!, 'README.md'), markdownTable(lines, machine));
console.log(`bench: wrote ${values.out}/results.json, ratios.vl.json and README.md`);

function markdownTable(ls: BenchLine[], m: typeof machine): string {
  const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const rows = ls.map((l) => {
    const extra = l.extra
      ? Object.entries(l.extra)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')
      : '';
    return `| ${l.suite} | ${l.name} | ${ms(l.ours.median)} ms | ${l.peer ? `${ms(l.peer.median)} ms (${l.peerName})` : '—'} | ${l.ratio ? `**${l.ratio.median.toFixed(2)}×** [${l.ratio.min.toFixed(2)}–${l.ratio.max.toFixed(2)}]` : '—'} | ${l.goal ?? ''} | ${extra} |`;
  });
  return [
    `# Benchmarks`,
    '',
    `${new Date().toISOString().slice(0, 10)} · node ${m.node} · ${m.cpus} × ${m.cpu} · ${m.memoryGiB} GiB · peers: ${m.python ? '/usr/bin/python3 with pandas and scikit-learn' : 'none'}. Median wall time of the repeats; ratio = ours ÷ peer per repeat pair, median [min–max].`,
    '',
    '| suite | case | ours | peer | ratio | goal | notes |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
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
