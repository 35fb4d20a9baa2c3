// Generated datasets of the shapes that strain the UI: 30 numeric features in three spec groups (one with
// blanks, a fill and a was-missing flag), and 50 classes with long names. Deterministic (seeded), written
// straight into a workspace's data/ as a spec and a raw CSV.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

/** A small seeded generator (mulberry32): the same rows on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const WIDE = {
  name: 'wide',
  groups: ['Mean values', 'Standard errors', 'Worst values'],
  /** The feature with blanks in its source: filled with the median, flagged in `mean_f00_missing`. */
  blankFeature: 'mean_f00',
  flag: 'mean_f00_missing',
};

const WIDE_STEMS = ['mean', 'se', 'worst'];

/** 30 numeric features (`mean_f00` … `worst_f09`), 2 classes, 300 rows; every 10th mean_f00 blank. */
export function addWideDataset(root: string): void {
  const rnd = random(30);
  const features = WIDE_STEMS.flatMap((stem, g) =>
    Array.from({ length: 10 }, (_, k) => ({
      name: `${stem}_f${String(k).padStart(2, '0')}`,
      title: `${WIDE.groups[g].replace(/s$/, '').replace(/ values$/, '')} measure ${k}`,
      type: 'numeric',
      range: [0, 100],
      decimals: 2,
      group: WIDE.groups[g],
      ...(g === 0 && k === 0 ? { missing: 'median', missingFlag: WIDE.flag } : {}),
    })),
  );
  const header = [...features.map((f) => f.name), 'diagnosis'];
  const lines = [header.join(',')];
  for (let i = 0; i < 300; i++) {
    const cls = i % 2;
    const values = features.map((f, j) => {
      if (f.name === WIDE.blankFeature && i % 10 === 3) return '';
      // Observed values from 0.42 upwards: a slider starting there would step off the decimals grid.
      const centre = 30 + 12 * cls + (j % 7);
      return Math.min(99.58, Math.max(0.42, centre + (rnd() - 0.5) * 50)).toFixed(2);
    });
    lines.push([...values, cls === 0 ? 'B' : 'M'].join(','));
  }
  write(
    root,
    WIDE.name,
    {
      name: WIDE.name,
      title: 'Wide measurements',
      description: 'Thirty numeric measurements in three groups, two classes.',
      source: { file: 'source.csv', citation: 'Generated for the tests.' },
      primaryKey: {},
      eventTime: { fixed: '2026-11-01T00:00:00Z' },
      label: {
        column: 'diagnosis',
        name: 'diagnosis',
        title: 'Diagnosis',
        classes: [
          { value: 'B', label: 'Benign' },
          { value: 'M', label: 'Malignant' },
        ],
      },
      features,
      generator: { rowsPerDay: 1 },
      model: { algorithm: 'gaussian-nb' },
    },
    lines,
  );
}

export const MANY = { name: 'many', classes: 50 };

/** Class k's label: long enough that a confusion-matrix axis must cut it. */
export const manyClassLabel = (k: number) =>
  `Species number ${String(k).padStart(2, '0')} of the very long taxonomy list`;

/** 50 well-separated classes (`c00` … `c49`) over 4 numeric features, 12 rows each. */
export function addManyClassDataset(root: string): void {
  const rnd = random(50);
  const features = Array.from({ length: 4 }, (_, j) => ({
    name: `x${j}`,
    title: `Measure ${j}`,
    type: 'numeric',
    range: [-1000, 1000],
    decimals: 2,
  }));
  const lines = [[...features.map((f) => f.name), 'species'].join(',')];
  for (let k = 0; k < MANY.classes; k++) {
    for (let r = 0; r < 12; r++) {
      const values = features.map((_, j) => (((k * (j + 3)) % 50) * 8 + (rnd() - 0.5) * 3).toFixed(2));
      lines.push([...values, `c${String(k).padStart(2, '0')}`].join(','));
    }
  }
  write(
    root,
    MANY.name,
    {
      name: MANY.name,
      title: 'Many classes',
      description: 'Fifty classes over four measurements.',
      source: { file: 'source.csv', citation: 'Generated for the tests.' },
      primaryKey: {},
      eventTime: { fixed: '2026-11-01T00:00:00Z' },
      label: {
        column: 'species',
        name: 'species',
        title: 'Species',
        classes: Array.from({ length: MANY.classes }, (_, k) => ({
          value: `c${String(k).padStart(2, '0')}`,
          label: manyClassLabel(k),
        })),
      },
      features,
      generator: { rowsPerDay: 1 },
      model: { algorithm: 'gaussian-nb' },
    },
    lines,
  );
}

function write(root: string, name: string, spec: object, lines: string[]): void {
  const dir = path.join(root, 'data', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'dataset.yml'), stringify(spec));
  writeFileSync(path.join(dir, 'source.csv'), `${lines.join('\n')}\n`);
}
