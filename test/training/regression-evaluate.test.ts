// evaluate --by: a regressor's holdout figures per category of a categorical feature (the per-wine-type
// comparison with Cortez et al. in the README), and its refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RegressionMetrics } from '../../actions/lib/training/metrics.js';
import { cli, makeWorkspace } from '../helpers/workspace.js';

describe('evaluate --by', () => {
  let root: string;
  beforeAll(async () => {
    root = makeWorkspace(['wine', 'wine_score']);
    for (const d of ['wine', 'wine_score']) {
      const r = await cli(root, 'backfill', '-d', d);
      expect(r.code, r.err).toBe(0);
    }
  }, 120_000);

  it('splits each split’s holdout by category: the parts add up to the whole', async () => {
    const args = ['evaluate', '-d', 'wine_score', '--algorithm', 'linear-regression', '--no-pipeline'];
    const r = await cli(root, ...args, '--seeds', '1', '--by', 'type', '--json');
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out).wine_score as {
      results: { mean: RegressionMetrics; byCategory: Record<string, RegressionMetrics> }[];
    };
    const { mean, byCategory } = report.results[0];
    const { red, white } = byCategory;
    expect(red.rows + white.rows).toBe(mean.rows);
    expect(red.rows).toBeGreaterThan(200);
    // One split: the whole's MAE is the rows-weighted mean of the parts' MAE, and so is each within-T share.
    expect(red.mae * red.rows + white.mae * white.rows).toBeCloseTo(mean.mae * mean.rows, 9);
    for (const k of [0, 1])
      expect(red.within[k].accuracy * red.rows + white.within[k].accuracy * white.rows).toBeCloseTo(
        mean.within[k].accuracy * mean.rows,
        9,
      );
    // Different wines, different errors: the figures really are per category.
    expect(red.mae).not.toBeCloseTo(white.mae, 3);

    const text = await cli(root, ...args, '--seeds', '1', '--by', 'type');
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/type = red \(\d+ holdout rows per split\):/);
    expect(text.out).toMatch(/type = white \(\d+ holdout rows per split\):/);
  }, 120_000);

  it('refuses a classification dataset and a feature that is not categorical, naming the way out', async () => {
    const cls = await cli(root, 'evaluate', '-d', 'wine', '--by', 'type', '--algorithm', 'gaussian-nb');
    expect(cls.code).toBe(64);
    expect(cls.err).toContain(
      "--by type: wine is a classification dataset; --by breaks down a regressor's figures",
    );
    const num = await cli(root, 'evaluate', '-d', 'wine_score', '--by', 'alcohol');
    expect(num.code).toBe(64);
    expect(num.err).toContain(
      '--by alcohol: not a categorical feature of wine_score (its categorical features: type)',
    );
    const none = await cli(root, 'evaluate', '-d', 'wine_score', '--by', 'colour');
    expect(none.code).toBe(64);
    expect(none.err).toContain('--by colour: not a categorical feature of wine_score');
  });
});
