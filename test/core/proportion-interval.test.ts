import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../actions/lib/core/proportion-interval.js';

// Made by test/fixtures/scipy/wilson_interval.py with Debian's scipy.
const cases: { k: number; n: number; low: number; high: number }[] = JSON.parse(
  readFileSync(new URL('../fixtures/scipy/wilson-interval.json', import.meta.url), 'utf8'),
);

describe('wilsonInterval', () => {
  it.each(cases)(
    '$k of $n equals scipy binomtest(...).proportion_ci(method="wilson")',
    ({ k, n, low, high }) => {
      const ci = wilsonInterval(k, n);
      expect(ci.low).toBeCloseTo(low, 12);
      expect(ci.high).toBeCloseTo(high, 12);
    },
  );

  it('refuses impossible counts with the figures', () => {
    expect(() => wilsonInterval(3, 2)).toThrow('got 3 of 2');
    expect(() => wilsonInterval(0, 0)).toThrow('n ≥ 1');
  });
});
