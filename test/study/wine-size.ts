// The Wine forest on the wire: what a smaller forest costs in honest accuracy, and what does not cost any.
// Each variant is cross-validated on the champion's training split with the pipeline's own folds (5,
// group-aware, seed 42) and compared with the v3 configuration fold by fold (paired differences: the
// folds share their rows, so the paired standard error is the noise that matters). Sizes are the site's
// wire files (model-wire.ts: model.bin + the JSON header) of the model fitted on the whole training split,
// gzip -9 as a static host sends them. The holdout is reported, never used to choose.
// Run from the repository root (about 4 minutes on one core):
//   node scripts/run-study.mjs wine-size
// writes reports/studies/wine-size.json and reports/studies/wine-size.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { stableStringify } from '../../actions/lib/core/json.js';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { toWire } from '../../actions/lib/models/model-wire.js';
import { type ModelJSON, ServingModel } from '../../actions/lib/models/serving-model.js';
import { trainingData } from '../../actions/lib/pipelines/train.js';
import { classificationMetrics } from '../../actions/lib/training/metrics.js';
import {
  accuracyOn,
  DEFAULT_TRAINING,
  fitCandidate,
  foldRows,
  predictRows,
  splitRows,
  withSeed,
} from '../../actions/lib/training/training.js';

const ws = new Workspace(process.cwd());
const fg = FeatureGroup.open(ws, ws.loadSpec('wine'));
const data = trainingData(fg, fg.read(), false);
const config = DEFAULT_TRAINING;
const { train, test } = splitRows(data, config);
const folds = foldRows(data, config, train);

interface Variant {
  name: string;
  params: { nTrees: number; minSamplesLeaf: number; maxDepth?: number };
  /** Thresholds rounded to float32 in every fitted model before it predicts. */
  float32?: boolean;
}
const forest = (nTrees: number, minSamplesLeaf: number, maxDepth?: number): Variant => ({
  name: `${nTrees} trees, min leaf ${minSamplesLeaf}${maxDepth ? `, depth ≤ ${maxDepth}` : ''}`,
  params: { nTrees, minSamplesLeaf, ...(maxDepth ? { maxDepth } : {}) },
});
const BASE = forest(100, 3);
const VARIANTS: Variant[] = [
  BASE,
  { ...BASE, name: `${BASE.name}, float32 thresholds`, float32: true },
  forest(100, 1),
  forest(100, 5),
  forest(100, 10),
  forest(100, 15),
  forest(100, 20),
  forest(100, 30),
  forest(100, 3, 12),
  forest(100, 3, 16),
  forest(75, 10),
  forest(50, 3),
  forest(50, 5),
  forest(50, 10),
  forest(50, 5, 14),
  forest(30, 5),
];

/** The same model with every threshold rounded to the nearest float32 (what a float32 table would hold). */
function float32(model: ServingModel): ServingModel {
  const json = model.json;
  const estimator = json.estimator as unknown as { thresholds: number[][] };
  const thresholds = estimator.thresholds.map((t) => t.map(Math.fround));
  return ServingModel.load({ ...json, estimator: { ...json.estimator, thresholds } });
}

function wireSizes(json: ModelJSON) {
  const { header, bin } = toWire(json);
  const gz = (b: Uint8Array | string) => gzipSync(b, { level: 9 }).length;
  return {
    registryJson: JSON.stringify(json).length,
    registryJsonGzip: gz(JSON.stringify(json)),
    bin: bin.length,
    binGzip: gz(bin),
    header: header.length,
    headerGzip: gz(header),
  };
}

/** Threshold tables as the header holds them (short decimals) against float32 binary, both gzipped. */
function thresholdBytes(json: ModelJSON) {
  const tables = (json.estimator as unknown as { thresholds: number[][] }).thresholds;
  const f32 = new Float32Array(tables.flat());
  return {
    count: f32.length,
    decimalGzip: gzipSync(JSON.stringify(tables), { level: 9 }).length,
    float32Gzip: gzipSync(new Uint8Array(f32.buffer), { level: 9 }).length,
  };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const classes = data.label.classes.map((c) => c.value);

const results = [];
let base: number[] = [];
for (const v of VARIANTS) {
  const c = {
    algorithm: 'random-forest',
    params: withSeed('random-forest', { ...v.params, maxFeatures: 'sqrt' }, config.seed),
    minAbsCorrelation: 0,
  };
  const started = Date.now();
  const serve = (m: ServingModel) => (v.float32 ? float32(m) : m);
  const foldAccuracy = folds.map((rows, f) => {
    const fit = folds.flatMap((r, g) => (g === f ? [] : r)).sort((a, b) => a - b);
    return accuracyOn(serve(fitCandidate(data, c, fit)), data, rows);
  });
  const fitted = fitCandidate(data, c, train);
  const model = serve(fitted);
  const truth = Int32Array.from(test, (i) => data.labels[i]);
  const holdout = classificationMetrics(truth, predictRows(model, data, test), classes);
  if (v === BASE) base = foldAccuracy;
  const diffs = foldAccuracy.map((a, f) => a - base[f]);
  const sizes = wireSizes(fitted.json);
  results.push({
    variant: v.name,
    params: v.params,
    float32: v.float32 === true,
    cvMeanAccuracy: mean(foldAccuracy),
    foldAccuracy,
    pairedDiff: mean(diffs),
    pairedSe: v === BASE ? 0 : sd(diffs) / Math.sqrt(diffs.length),
    holdoutAccuracy: holdout.accuracy,
    holdoutMacroF1: holdout.macro.f1,
    nodes: (fitted.json.estimator as unknown as { nodeCount: number }).nodeCount,
    ...sizes,
    wireGzip: sizes.binGzip + sizes.headerGzip,
    ...(v === BASE ? { thresholds: thresholdBytes(fitted.json) } : {}),
    fitSeconds: (Date.now() - started) / 1000,
  });
  console.error(`${v.name}: cv ${mean(foldAccuracy).toFixed(4)}, ${(Date.now() - started) / 1000} s`);
}

const kb = (n: number) => (n / 1000).toFixed(0);
const pt = (x: number) => (100 * x).toFixed(2);
const table = [
  '| variant | CV accuracy | Δ vs v3 config (paired SE) | holdout acc. / macro-F1 | nodes | model.bin | wire gzip |',
  '|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.variant} | ${pt(r.cvMeanAccuracy)}% | ${r.variant === BASE.name ? '—' : `${r.pairedDiff >= 0 ? '+' : ''}${pt(r.pairedDiff)} (± ${pt(r.pairedSe)})`} | ${pt(r.holdoutAccuracy)}% / ${r.holdoutMacroF1.toFixed(4)} | ${r.nodes.toLocaleString('en')} | ${kb(r.bin)} KB | ${kb(r.wireGzip)} KB |`,
  ),
];
const b = results[0];
const md = [
  '# Wine forest size study',
  '',
  `Generated by \`node scripts/run-study.mjs wine-size\` (test/study/wine-size.ts) on the committed feature group: ${train.length} training rows in 5 group-aware folds (seed 42), holdout ${test.length} rows (reported, not used to choose). Δ: mean paired fold difference to the v3 configuration (100 trees, min leaf 3), in points, with its standard error. Sizes: the site's files for the model fitted on the whole training split; wire gzip = model.bin + header, gzip -9.`,
  '',
  ...table,
  '',
  `The v3 configuration as the registry stores it: ${kb(b.registryJson)} KB JSON, ${kb(b.registryJsonGzip)} KB gzip; split into model.bin + header: ${kb(b.bin)} KB + ${kb(b.header)} KB, ${kb(b.binGzip)} KB + ${kb(b.headerGzip)} KB gzip.`,
  `Its ${b.thresholds?.count} thresholds: ${kb(b.thresholds?.decimalGzip ?? 0)} KB gzip as the header's short decimals, ${kb(b.thresholds?.float32Gzip ?? 0)} KB as float32 binary.`,
  '',
];
mkdirSync('reports/studies', { recursive: true });
writeFileSync('reports/studies/wine-size.json', stableStringify(results));
writeFileSync('reports/studies/wine-size.md', md.join('\n'));
console.log(md.join('\n'));
