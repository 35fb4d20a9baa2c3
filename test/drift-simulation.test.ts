// Issue #13 §3 goal, shown by simulation on every bundled dataset: the monitor's dataset-drift decision
// (featureDrifts: exact KS / chi-square, Benjamini–Hochberg across features, PSI as effect size) raises a
// false alarm on at most 5% of undrifted streams, and detects the generator's documented drift within 14
// days. Streams come from the public generator API as the daily pipeline draws them (fitGenerator on the
// real rows, sampleRows per day with the spec's rowsPerDay); the reference is the real rows, as the
// champion's training data is; the window is the monitor's default windowDays. Seeded: the same figures
// on every run.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { featureDrifts } from '../actions/lib/drift-decision.js';
import { FeatureGroup } from '../actions/lib/feature-group.js';
import { SOURCES } from '../actions/lib/feature-table.js';
import { fitGenerator, type GeneratedRow, sampleRows, seedOf } from '../actions/lib/generator.js';
import { DEFAULT_THRESHOLDS } from '../actions/lib/pipelines/monitor.js';
import type { FeatureSchema } from '../actions/lib/spec.js';
import { Workspace } from '../actions/lib/workspace.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ws = new Workspace(root);
const SYNTHETIC = SOURCES.indexOf('synthetic');

const UNDRIFTED_STREAMS = 200;
const DRIFTED_STREAMS = 50;
const DETECT_WITHIN_DAYS = 14;
/** generator.drift.sdPerDay when a spec sets drift without it (spec.ts, README "generator"). */
const DOCUMENTED_SD_PER_DAY = 0.05;
const RULE = { pValue: DEFAULT_THRESHOLDS.pValue, psi: DEFAULT_THRESHOLDS.psi };
const WINDOW_DAYS = DEFAULT_THRESHOLDS.windowDays;

/** Generated rows as the feature table holds them: numbers, category codes, NaN for missing. */
function columnsOf(schema: readonly FeatureSchema[], rows: readonly GeneratedRow[]): Float64Array[] {
  return schema.map((f) =>
    Float64Array.from(rows, (r) => {
      const text = r.values[f.name] ?? '';
      if (text === '') return Number.NaN;
      if (f.type === 'numeric') return Number(text);
      const code = (f.categories ?? []).findIndex((c) => c.value === text);
      return code < 0 ? (f.categories ?? []).length : code; // unknown values count as new (drift.ts)
    }),
  );
}

function setUp(name: string) {
  const spec = ws.loadSpec(name);
  const fg = FeatureGroup.open(ws, spec);
  const table = fg.read();
  const isReal = (i: number) => table.sources[i] !== SYNTHETIC;
  const real: number[] = [];
  for (let i = 0; i < table.rows; i++) if (isReal(i)) real.push(i);
  const schema = fg.meta.features;
  const reference = schema.map((_, j) => Float64Array.from(real, (i) => table.columns[j][i]));
  const model = fitGenerator(spec, table, isReal);
  const sdPerDay = spec.generator.drift?.sdPerDay ?? DOCUMENTED_SD_PER_DAY;
  /** Day `day` of stream `stream` (drift in sd from `driftDays` days after the start, as generate.ts). */
  const day = (stream: string, d: number, driftDays: number) =>
    sampleRows(model, spec.generator.rowsPerDay, seedOf(`${name}/${stream}/${d}`), Math.max(0, driftDays) * sdPerDay);
  /** The monitor's decision on the window of WINDOW_DAYS days ending on `last`. */
  const decide = (stream: string, last: number, driftStart: number | null) => {
    const rows: GeneratedRow[] = [];
    for (let d = last - WINDOW_DAYS + 1; d <= last; d++)
      rows.push(...day(stream, d, driftStart === null ? 0 : d - driftStart));
    return featureDrifts(schema, reference, columnsOf(schema, rows), RULE);
  };
  return { spec, decide, referenceRows: real.length, features: schema.length };
}

const figures: string[] = [];

describe.each(ws.datasetNames())('drift simulation: %s', (name) => {
  const sim = setUp(name);

  it(`false alarm rate ≤ 5% over ${UNDRIFTED_STREAMS} undrifted ${WINDOW_DAYS}-day windows`, () => {
    let alarms = 0;
    const falseFeatures = new Map<string, number>();
    for (let s = 0; s < UNDRIFTED_STREAMS; s++) {
      const r = sim.decide(`undrifted-${s}`, WINDOW_DAYS, null);
      if (r.datasetDrift) alarms++;
      for (const f of r.features.filter((x) => x.drifted))
        falseFeatures.set(f.feature, (falseFeatures.get(f.feature) ?? 0) + 1);
    }
    const rate = alarms / UNDRIFTED_STREAMS;
    figures.push(
      `${name}: false alarms ${alarms}/${UNDRIFTED_STREAMS} (${(rate * 100).toFixed(1)}%) ` +
        `[${[...falseFeatures].map(([f, c]) => `${f}:${c}`).join(' ')}]`,
    );
    expect(rate).toBeLessThanOrEqual(0.05);
  });

  it(`detects drift of ${DOCUMENTED_SD_PER_DAY} sd/day within ${DETECT_WITHIN_DAYS} days`, () => {
    const detectedOn: number[] = [];
    for (let s = 0; s < DRIFTED_STREAMS; s++) {
      // A stream that has run undrifted for a full window, then drifts from day 1 on; the monitor runs daily.
      let found = Number.POSITIVE_INFINITY;
      for (let d = 1; d <= DETECT_WITHIN_DAYS && found === Number.POSITIVE_INFINITY; d++)
        if (sim.decide(`drifted-${s}`, d, 0).datasetDrift) found = d;
      detectedOn.push(found);
    }
    const sorted = [...detectedOn].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const within = detectedOn.filter((d) => d <= DETECT_WITHIN_DAYS).length;
    figures.push(
      `${name}: detected within ${DETECT_WITHIN_DAYS} days in ${within}/${DRIFTED_STREAMS} drifted streams, median day ${median}`,
    );
    console.log(figures.join('\n'));
    expect(median).toBeLessThanOrEqual(DETECT_WITHIN_DAYS);
  });
});
