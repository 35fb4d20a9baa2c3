// The drift statistics against scipy (fixtures written by test/fixtures/scipy/make_drift_fixtures.py with
// Debian's scipy), the NaN and new-category cases of issue #13, and the false-discovery-rate adjustment.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../actions/lib/models/random.js';
import {
  benjaminiHochberg,
  categoryCounts,
  chiSquareTest,
  KS_EXACT_MAX_N,
  ksTest,
  psiFromCounts,
} from '../../actions/lib/monitoring/drift.js';
import { featureDrifts, round3 } from '../../actions/lib/monitoring/drift-decision.js';
import type { FeatureSchema } from '../../actions/lib/spec/spec.js';

const here = path.dirname(fileURLToPath(import.meta.url));

interface KsCase {
  note: string;
  reference: (number | null)[];
  window: (number | null)[];
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymp';
}
interface ChiCase {
  note: string;
  reference: number[];
  window: number[];
  statistic: number;
  pValue: number;
}
const fixture = JSON.parse(readFileSync(path.join(here, '../fixtures/scipy/drift.json'), 'utf8')) as {
  scipy: string;
  ks: KsCase[];
  chi2: ChiCase[];
};
const withNaN = (xs: (number | null)[]) => xs.map((x) => (x === null ? Number.NaN : x));

/** |a − b| within rel·|b|, or within abs near 0 (a p of 1e-300 has no meaningful relative error). */
function close(a: number, b: number, rel: number, abs = 1e-300): boolean {
  return Math.abs(a - b) <= Math.max(rel * Math.abs(b), abs);
}

describe('ksTest matches scipy.stats.ks_2samp(method="auto")', () => {
  const exact = fixture.ks.filter((c) => c.method === 'exact' || Math.max(...sizes(c)) <= KS_EXACT_MAX_N);
  const asymptotic = fixture.ks.filter((c) => !exact.includes(c));

  it(`covers small, unequal, tied, NaN and large samples (scipy ${fixture.scipy})`, () => {
    expect(fixture.ks.length).toBeGreaterThan(200);
    expect(fixture.ks.some((c) => sizes(c)[0] === 3 && sizes(c)[1] === 3)).toBe(true);
    expect(fixture.ks.some((c) => c.reference.includes(null))).toBe(true);
    expect(asymptotic.length).toBeGreaterThan(0);
  });

  it('agrees to 1e-12 relative on every exact case: statistic and p-value', () => {
    const misses: string[] = [];
    for (const c of exact) {
      const r = ksTest(withNaN(c.reference), withNaN(c.window));
      if (!close(r.statistic, c.statistic, 1e-12) || !close(r.pValue, c.pValue, 1e-12))
        misses.push(`${c.note}: D ${r.statistic} vs ${c.statistic}, p ${r.pValue} vs ${c.pValue}`);
    }
    expect(misses).toEqual([]);
  });

  it('the smallest exact p at n = m = 3 is 0.1, not the asymptotic 0.033', () => {
    expect(ksTest([1, 2, 3], [4, 5, 6]).pValue).toBeCloseTo(0.1, 14);
  });

  // Above 10,000 rows scipy uses the distribution of the one-sample statistic (kstwo) at n·m/(n+m); we use
  // the Kolmogorov limit with Stephens' correction: 2% apart at p ≈ 0.004, 1e-7 apart far in the tail.
  it('above 10,000 rows it uses the asymptotic distribution, within 2% or 1e-5 of scipy’s kstwo', () => {
    for (const c of asymptotic) {
      const r = ksTest(withNaN(c.reference), withNaN(c.window));
      expect(r.statistic).toBeCloseTo(c.statistic, 12);
      expect(close(r.pValue, c.pValue, 0.02, 1e-5), `${c.note}: ${r.pValue} vs ${c.pValue}`).toBe(true);
    }
  });

  it('an empty sample (or one that is all NaN) is no evidence: D = 0, p = 1', () => {
    expect(ksTest([], [1, 2])).toEqual({ statistic: 0, pValue: 1 });
    expect(ksTest([Number.NaN, Number.NaN], [1, 2])).toEqual({ statistic: 0, pValue: 1 });
  });
});

function sizes(c: KsCase): [number, number] {
  return [c.reference.filter((x) => x !== null).length, c.window.filter((x) => x !== null).length];
}

describe('ksTest with NaN', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gitml-ks-nan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns, in a child process killed after 10 s (the old code looped forever on this input)', () => {
    // A synchronous endless loop cannot be interrupted inside the test process: bundle drift.ts and call
    // it in a child that a timeout can kill.
    const entry = path.join(dir, 'call.ts');
    const bundle = path.join(dir, 'call.mjs');
    const drift = path.join(here, '../../actions/lib/monitoring/drift.ts');
    buildSync({
      stdin: {
        contents: `import { ksTest } from ${JSON.stringify(drift)};\nprocess.stdout.write(JSON.stringify(ksTest([1, 2, 3, Number.NaN], [1, 2, 3, 4])));`,
        resolveDir: dir,
        sourcefile: entry,
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: bundle,
      logLevel: 'silent',
    });
    const run = spawnSync(process.execPath, [bundle], { timeout: 10_000, encoding: 'utf8' });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    const r = JSON.parse(run.stdout) as { statistic: number; pValue: number };
    // NaN omitted, as scipy's nan_policy='omit': [1, 2, 3] against [1, 2, 3, 4].
    const scipy = fixture.ks.find((c) => c.note === 'NaN omitted (issue #13)')!;
    expect(r.statistic).toBeCloseTo(scipy.statistic, 12);
    expect(r.pValue).toBeCloseTo(scipy.pValue, 12);
    expect(r).toEqual(ksTest([1, 2, 3], [1, 2, 3, 4]));
  });
});

describe('chiSquareTest matches scipy.stats.chi2_contingency(correction=False)', () => {
  it('on every fixture table, including cells the reference never saw', () => {
    for (const c of fixture.chi2) {
      const r = chiSquareTest(c.reference, c.window);
      expect(close(r.statistic, c.statistic, 1e-12), `${c.note}: χ² ${r.statistic} vs ${c.statistic}`).toBe(
        true,
      );
      expect(close(r.pValue, c.pValue, 1e-10, 1e-280), `${c.note}: p ${r.pValue} vs ${c.pValue}`).toBe(true);
    }
  });

  it('a window one third new categories is drift (the old counting dropped them: χ² = 0, p = 1)', () => {
    // Reference codes 0 and 1 (50 each); the window has 10 of each and 10 of a value coded 2, which the
    // two known categories do not include.
    const reference = [...Array(50).fill(0), ...Array(50).fill(1)];
    const window = [...Array(10).fill(0), ...Array(10).fill(1), ...Array(10).fill(2)];
    const ca = categoryCounts(reference, 2);
    const cb = categoryCounts(window, 2);
    expect(ca).toEqual([50, 50, 0]);
    expect(cb).toEqual([10, 10, 10]);
    const r = chiSquareTest(ca, cb);
    const scipy = fixture.chi2.find((c) => c.note.startsWith('a third of the window'))!;
    expect(r.statistic).toBeCloseTo(scipy.statistic, 10);
    expect(r.pValue).toBeLessThan(1e-6);
    expect(psiFromCounts(ca, cb)).toBeGreaterThan(1);
  });

  it('missing values (negative codes, NaN) are not counted as a category', () => {
    expect(categoryCounts([0, -1, Number.NaN, 1, 1, 5], 2)).toEqual([1, 2, 1]);
  });

  it('refuses count vectors of different lengths', () => {
    expect(() => chiSquareTest([1, 2], [1, 2, 3])).toThrow(/2 reference cells but 3 window cells/);
  });
});

describe('benjaminiHochberg', () => {
  it('adjusts p-values step-up, as statsmodels multipletests(method="fdr_bh") defines them', () => {
    // By hand: sorted p 0.005 0.01 0.03 0.04 0.2 times 5/rank = 0.025 0.025 0.05 0.05 0.2, then the
    // running minimum from the largest rank down (no change here), back in input order.
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.2]);
    const want = [0.025, 0.05, 0.05, 0.025, 0.2];
    for (let i = 0; i < want.length; i++) expect(q[i]).toBeCloseTo(want[i], 15);
    // The running minimum: p = 0.04 at rank 2 of 2 (0.04) caps p = 0.039 at rank 1 (0.078).
    expect(benjaminiHochberg([0.039, 0.04])).toEqual([0.04, 0.04]);
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([0.5])).toEqual([0.5]);
  });

  it('keeps the order of the input and never goes above 1 or below the raw p', () => {
    const ps = [0.9, 0.001, 0.5, 0.049, 0.7, 0.02];
    const q = benjaminiHochberg(ps);
    q.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(ps[i]);
      expect(v).toBeLessThanOrEqual(1);
    });
    // Monotone in p: a smaller raw p never gets a larger adjusted one.
    const byP = ps.map((p, i) => [p, q[i]]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < byP.length; i++) expect(byP[i][1]).toBeGreaterThanOrEqual(byP[i - 1][1]);
  });
});

describe('featureDrifts: the decision the monitor, the chart and the alert share', () => {
  const rand = createRng(13);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const sample = (count: number, shift = 0) => Float64Array.from({ length: count }, () => normal() + shift);
  const numeric = (k: number): FeatureSchema[] =>
    Array.from({ length: k }, (_, j) => ({ name: `x${j}`, title: `X${j}`, type: 'numeric' as const }));
  const rule = { pValue: 0.05, psi: 0.2 };

  it('30 unchanged features: dataset drift on at most 5% of windows (raw p < 0.05 flagged most of them)', () => {
    const schema = numeric(30);
    const reference = schema.map(() => sample(500));
    let alarms = 0;
    let rawAlarms = 0;
    for (let w = 0; w < 200; w++) {
      const r = featureDrifts(
        schema,
        reference,
        schema.map(() => sample(30)),
        rule,
      );
      if (r.datasetDrift) alarms++;
      if (r.features.some((f) => f.pValue < rule.pValue)) rawAlarms++;
    }
    expect(alarms / 200).toBeLessThanOrEqual(0.05);
    expect(rawAlarms / 200).toBeGreaterThan(0.5); // what the unadjusted rule did
  });

  it('a large PSI the test cannot tell from noise is "not significant", drawn so, and not drift', () => {
    // 25 rows from the reference's own distribution but heaped on a few values: deciles left empty
    // inflate PSI (each empty bin adds about 0.69) while KS sees no evidence.
    const schema = numeric(1);
    const reference = [Float64Array.from({ length: 1000 }, (_, i) => i / 1000)];
    const window = [Float64Array.from({ length: 25 }, (_, i) => [0.05, 0.35, 0.55, 0.85][i % 4] + 0.001 * i)];
    const r = featureDrifts(schema, reference, window, rule);
    expect(r.features[0].psi).toBeGreaterThan(1);
    expect(r.features[0].adjustedPValue).toBeGreaterThan(0.05);
    expect(r.features[0]).toMatchObject({ status: 'not significant', drifted: false });
    expect(r.datasetDrift).toBe(false);
  });

  it('on a large window a tiny but significant shift is a "small change", not drift', () => {
    const schema = numeric(1);
    const r = featureDrifts(schema, [sample(5000)], [sample(5000, 0.1)], rule);
    expect(r.features[0].adjustedPValue).toBeLessThan(0.05);
    expect(r.features[0].psi).toBeLessThan(0.2);
    expect(r.features[0]).toMatchObject({ status: 'small change', drifted: false });
  });

  it('a shifted feature among unchanged ones drifts, and so does the dataset', () => {
    const schema = numeric(10);
    const reference = schema.map(() => sample(1000));
    const window = schema.map((_, j) => sample(40, j === 3 ? 1.5 : 0));
    const r = featureDrifts(schema, reference, window, rule);
    expect(r.features.filter((f) => f.drifted).map((f) => f.feature)).toEqual(['x3']);
    expect(r.datasetDrift).toBe(true);
    expect(r.share).toBeCloseTo(0.1, 12);
  });

  it('new category values in the window and NaN in a numeric column', () => {
    const schema: FeatureSchema[] = [
      {
        name: 'c',
        title: 'C',
        type: 'categorical',
        categories: [
          { value: 'a', label: 'A' },
          { value: 'b', label: 'B' },
        ],
      },
      { name: 'x', title: 'X', type: 'numeric' },
    ];
    const reference = [Float64Array.from({ length: 200 }, (_, i) => i % 2), sample(200)];
    const present = sample(29);
    const window = [
      Float64Array.from({ length: 30 }, (_, i) => i % 3), // a third coded 2: outside the known categories
      Float64Array.from([...present, Number.NaN]),
    ];
    const r = featureDrifts(schema, reference, window, rule);
    expect(r.features[0]).toMatchObject({ feature: 'c', status: 'drifted' });
    // The NaN is left out: the test is the one on the 29 present values, and no drift.
    expect(r.features[1].statistic).toBe(round3(ksTest(reference[1], present).statistic));
    expect(r.features[1].drifted).toBe(false);
  });
});
