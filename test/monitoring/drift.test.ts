// The drift statistics, one exported function at a time, against scipy: the chi-square survival function
// behind every p-value, KS on presorted samples, the chi-square test of homogeneity, PSI on counts and on
// the reference's deciles, and the Benjamini–Hochberg adjustment. Reference values in
// test/fixtures/sklearn/drift_unit.json, written by make_drift_unit_fixtures.py beside it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  categoryCounts,
  chiSquareSurvival,
  chiSquareTest,
  ksTest,
  ksTestSorted,
  numericPsi,
  numericPsiSorted,
  psiFromCounts,
  sortedPresent,
} from '../../actions/lib/monitoring/drift.js';

interface Fixture {
  scipy: string;
  chi2_sf: { x: number; k: number; sf: number }[];
  ks: { reference: number[]; window: number[]; statistic: number; pValue: number }[];
  chi2: { reference: number[]; window: number[]; statistic: number; pValue: number }[];
  psi_counts: { reference: number[]; window: number[]; psi: number }[];
  psi_numeric: { reference: number[]; window: number[]; psi: number }[];
  bh: { pValues: number[]; adjusted: number[] }[];
}
const fixture = JSON.parse(
  readFileSync(
    path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sklearn/drift_unit.json'),
    'utf8',
  ),
) as Fixture;

/** Lines naming each value further than `rel` (relative) from scipy's; empty when all agree. */
function misses<T>(
  cases: readonly T[],
  rel: number,
  got: (c: T) => number,
  want: (c: T) => number,
  name: (c: T) => string,
) {
  return cases.flatMap((c) => {
    const [a, b] = [got(c), want(c)];
    return Math.abs(a - b) <= rel * Math.abs(b) ? [] : [`${name(c)}: ${a}, scipy ${b}`];
  });
}

describe(`chiSquareSurvival matches scipy.stats.chi2.sf (scipy ${fixture.scipy})`, () => {
  it('to 1e-9 relative for 1–60 degrees of freedom, from x = 0.001 to the far tail', () => {
    expect(fixture.chi2_sf.length).toBeGreaterThan(100);
    expect(
      misses(
        fixture.chi2_sf,
        1e-9,
        (c) => chiSquareSurvival(c.x, c.k),
        (c) => c.sf,
        (c) => `sf(${c.x}, ${c.k})`,
      ),
    ).toEqual([]);
  });

  it('is 1 at x ≤ 0', () => {
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(-1, 3)).toBe(1);
  });
});

describe('ksTestSorted and sortedPresent', () => {
  it('ksTestSorted on presorted samples matches scipy.stats.ks_2samp to 1e-12', () => {
    const got = (c: Fixture['ks'][number]) =>
      ksTestSorted(Float64Array.from(c.reference).sort(), Float64Array.from(c.window).sort());
    const name = (c: Fixture['ks'][number]) => `n = ${c.reference.length}, m = ${c.window.length}`;
    expect(
      misses(
        fixture.ks,
        1e-12,
        (c) => got(c).statistic,
        (c) => c.statistic,
        name,
      ),
    ).toEqual([]);
    expect(
      misses(
        fixture.ks,
        1e-12,
        (c) => got(c).pValue,
        (c) => c.pValue,
        name,
      ),
    ).toEqual([]);
  });

  it('ksTest is ksTestSorted after sortedPresent, for samples in any order', () => {
    for (const c of fixture.ks)
      expect(ksTest(c.reference, c.window)).toEqual(
        ksTestSorted(sortedPresent(c.reference), sortedPresent(c.window)),
      );
  });

  it('sortedPresent drops NaN and sorts numerically (10 after 9, negatives first)', () => {
    expect([...sortedPresent([10, Number.NaN, 9, -2, 0.5, Number.NaN])]).toEqual([-2, 0.5, 9, 10]);
    expect(sortedPresent([Number.NaN]).length).toBe(0);
  });
});

describe('chiSquareTest matches scipy.stats.chi2_contingency(correction=False)', () => {
  it('statistic and p-value to 1e-10 on every table, a category new to the window included', () => {
    const name = (c: Fixture['chi2'][number]) => `[${c.reference}] vs [${c.window}]`;
    expect(
      misses(
        fixture.chi2,
        1e-10,
        (c) => chiSquareTest(c.reference, c.window).statistic,
        (c) => c.statistic,
        name,
      ),
    ).toEqual([]);
    expect(
      misses(
        fixture.chi2,
        1e-10,
        (c) => chiSquareTest(c.reference, c.window).pValue,
        (c) => c.pValue,
        name,
      ),
    ).toEqual([]);
  });

  it('an empty sample is no evidence (χ² = 0, p = 1); a cell empty on both sides adds no degree of freedom', () => {
    expect(chiSquareTest([0, 0], [3, 4])).toEqual({ statistic: 0, pValue: 1 });
    const withEmpty = chiSquareTest([30, 0, 20, 50], [10, 0, 25, 65]);
    const without = chiSquareTest([30, 20, 50], [10, 25, 65]);
    expect(withEmpty).toEqual(without);
  });
});

describe('PSI', () => {
  it('psiFromCounts is Σ (a − e)·ln(a / e) over shares floored at 1e-4, to 1e-12', () => {
    expect(
      misses(
        fixture.psi_counts,
        1e-12,
        (c) => psiFromCounts(c.reference, c.window),
        (c) => c.psi,
        (c) => `[${c.reference}] vs [${c.window}]`,
      ),
    ).toEqual([]);
  });

  it('psiFromCounts of an empty side is 0', () => {
    expect(psiFromCounts([0, 0], [1, 2])).toBe(0);
    expect(psiFromCounts([1, 2], [0, 0])).toBe(0);
  });

  it('numericPsi bins at the reference deciles (edges once, an edge value in the bin above), to 1e-12', () => {
    const name = (c: Fixture['psi_numeric'][number]) => `n = ${c.reference.length}, m = ${c.window.length}`;
    expect(
      misses(
        fixture.psi_numeric,
        1e-12,
        (c) => numericPsi(c.reference, c.window),
        (c) => c.psi,
        name,
      ),
    ).toEqual([]);
  });

  it('numericPsiSorted on the sorted reference is numericPsi; an empty reference gives 0', () => {
    for (const c of fixture.psi_numeric)
      expect(numericPsiSorted(Float64Array.from(c.reference).sort(), c.window)).toBe(
        numericPsi(c.reference, c.window),
      );
    expect(numericPsi([], [1, 2, 3])).toBe(0);
  });
});

describe('categoryCounts', () => {
  it('counts codes 0…k−1, then one cell for codes outside them; negative codes and NaN are missing', () => {
    expect(categoryCounts([0, 1, 1, 2, 5, -1, Number.NaN, 2], 3)).toEqual([1, 2, 2, 1]);
    expect(categoryCounts([], 2)).toEqual([0, 0, 0]);
  });
});

describe('benjaminiHochberg matches scipy.stats.false_discovery_control(method="bh")', () => {
  it('to 1e-12 on every list, in the order given', () => {
    const lines = fixture.bh.flatMap((c, i) =>
      misses(
        c.adjusted.map((want, j) => ({ want, got: benjaminiHochberg(c.pValues)[j], j })),
        1e-12,
        (x) => x.got,
        (x) => x.want,
        (x) => `list ${i + 1} p[${x.j}]`,
      ),
    );
    expect(lines).toEqual([]);
  });

  it('an empty list adjusts to an empty list', () => {
    expect(benjaminiHochberg([])).toEqual([]);
  });
});
