// In-memory regression TrainingData for tests that do not need a feature group on disk: the raw wine
// file with its quality score as a numeric target (every `step`-th row), or a small synthetic linear
// problem. Test-only construction; the pipeline builds TrainingData from a FeatureGroup.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FeatureSchema } from '../../actions/lib/spec/spec.js';
import type { TrainingData } from '../../actions/lib/training/training.js';
import { REPO_ROOT } from './workspace.js';

const LABEL = {
  name: 'quality',
  title: 'Quality score',
  classes: [],
  type: 'numeric' as const,
  unit: 'points',
  range: [0, 10] as [number, number],
  decimals: 0,
};

/** Wine rows (every `step`-th, red and white mixed) with quality as the target, all rows labelled. */
export function wineScoreData(step: number): TrainingData {
  const lines = readFileSync(path.join(REPO_ROOT, 'data/wine/source.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const body = lines
    .slice(1)
    .filter((_, i) => i % step === 0)
    .map((l) => l.split(','));
  const numeric = header.filter((h) => h !== 'type' && h !== 'quality');
  const schema: FeatureSchema[] = [
    {
      name: 'type',
      title: 'Wine type',
      type: 'categorical',
      categories: [
        { value: 'red', label: 'Red' },
        { value: 'white', label: 'White' },
      ],
    },
    ...numeric.map((h) => ({
      name: h.replace(/ /g, '_'),
      title: h,
      type: 'numeric' as const,
      range: [0, 1000] as [number, number],
    })),
  ];
  const columns = new Map<string, Float64Array>();
  columns.set(
    'type',
    Float64Array.from(body, (r) => (r[0] === 'red' ? 0 : 1)),
  );
  for (const h of numeric) {
    const j = header.indexOf(h);
    columns.set(
      h.replace(/ /g, '_'),
      Float64Array.from(body, (r) => Number(r[j])),
    );
  }
  const q = header.indexOf('quality');
  return {
    dataset: 'wine_score',
    task: 'regression',
    schema,
    label: LABEL,
    get: (name) => columns.get(name)!,
    labels: new Int32Array(body.length),
    targets: Float64Array.from(body, (r) => Number(r[q])),
    tolerances: [0.5, 1],
    eventTimes: Float64Array.from(body, (_, i) => Date.UTC(2026, 0, 1) + i * 3600_000),
    ids: Float64Array.from(body, (_, i) => i + 1),
    rows: body.map((_, i) => i),
  };
}

/** y = 3·a − 2·b + 5 + small deterministic noise; c is noise the target does not depend on. */
export function linearData(n: number): TrainingData {
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const c = new Float64Array(n);
  const y = new Float64Array(n);
  let s = 7;
  const rnd = () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  for (let i = 0; i < n; i++) {
    a[i] = rnd() * 10;
    b[i] = rnd() * 4;
    c[i] = rnd();
    y[i] = 3 * a[i] - 2 * b[i] + 5 + (rnd() - 0.5) * 0.4;
  }
  const cols: Record<string, Float64Array> = { a, b, c };
  const schema: FeatureSchema[] = ['a', 'b', 'c'].map((name) => ({
    name,
    title: name,
    type: 'numeric',
    range: [0, 10],
  }));
  return {
    dataset: 'toy_score',
    task: 'regression',
    schema,
    label: { ...LABEL, name: 'y', title: 'y', unit: undefined, range: [-100, 100], decimals: 2 },
    get: (name) => cols[name],
    labels: new Int32Array(n),
    targets: y,
    tolerances: [0.5, 1],
    eventTimes: Float64Array.from({ length: n }, (_, i) => i * 1000),
    ids: Float64Array.from({ length: n }, (_, i) => i + 1),
    rows: Array.from({ length: n }, (_, i) => i),
  };
}
