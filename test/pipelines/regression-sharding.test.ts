// Sharded linear and ridge regression: statistics of disjoint row sets, merged, give the model the
// unsharded fit gives (fitCandidate on all features), to 1e-9 — standardisation included.
import { describe, expect, it } from 'vitest';
import {
  correlationsOf,
  emptyMoments,
  mergeMoments,
  momentsOf,
} from '../../actions/lib/features/correlation-moments.js';
import { applyFeatureView } from '../../actions/lib/features/feature-view.js';
import { LinearRegression } from '../../actions/lib/models/linear-regression.js';
import { emptyLinearStats } from '../../actions/lib/models/linear-stats.js';
import { linearModelFromStats } from '../../actions/lib/pipelines/shards/linear-partials.js';
import { ShardError } from '../../actions/lib/pipelines/shards/shard-error.js';
import { nbView, shardedAlgorithm } from '../../actions/lib/pipelines/shards/sharded-config.js';
import type { DatasetSpec } from '../../actions/lib/spec/spec.js';
import { fitCandidate, predictValueRows, type TrainingData } from '../../actions/lib/training/training.js';
import { linearData, wineScoreData } from '../helpers/regression-data.js';

function shardedModel(data: TrainingData, algorithm: string, params: Record<string, number>, chunks: number) {
  const names = data.schema.map((f) => f.name);
  const view = nbView(data.schema, {});
  let stats = emptyLinearStats(view.columns.length);
  let moments = emptyMoments(names.length);
  const size = Math.ceil(data.rows.length / chunks);
  for (let c = 0; c < chunks; c++) {
    const rows = data.rows.slice(c * size, (c + 1) * size);
    const X = applyFeatureView(view, data.get, 0, rows);
    const y = Float64Array.from(rows, (i) => data.targets![i]);
    stats = LinearRegression.mergeStats(stats, LinearRegression.stats(X, y));
    moments = mergeMoments(moments, momentsOf(names, data.get, data.targets!, rows));
  }
  const r = correlationsOf(moments);
  return linearModelFromStats(
    {
      dataset: data.dataset,
      schema: data.schema,
      label: data.label,
      correlations: Object.fromEntries(names.map((n, j) => [n, Number(r[j].toFixed(6))])),
      algorithm,
      params,
    },
    stats,
  );
}

describe('sharded linear and ridge regression', () => {
  for (const [algorithm, params] of [
    ['linear-regression', {}],
    ['ridge', { alpha: 1 }],
    ['ridge', { alpha: 100 }],
  ] as const) {
    it(`${algorithm} ${JSON.stringify(params)}: 4 shards equal the unsharded fit to 1e-9 (wine scores, one-hot type)`, () => {
      const data = wineScoreData(5);
      const whole = fitCandidate(data, { algorithm, params, minAbsCorrelation: 0 }, data.rows);
      const merged = shardedModel(data, algorithm, params, 4);
      expect(merged.json.view.columns.length).toBe(whole.json.view.columns.length);
      merged.json.view.columns.forEach((c, j) => {
        const w = whole.json.view.columns[j];
        expect(c.feature).toBe(w.feature);
        expect(c.code).toBe(w.code);
        expect(c.center).toBeCloseTo(w.center, 9);
        expect(Math.abs(c.scale - w.scale) / w.scale).toBeLessThan(1e-9);
      });
      const a = predictValueRows(whole, data, data.rows);
      const b = predictValueRows(merged, data, data.rows);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      expect(worst).toBeLessThan(1e-9);
      for (const [k, v] of Object.entries(whole.json.view.correlations))
        expect(merged.json.view.correlations[k]).toBeCloseTo(v, 5);
      expect(merged.json.params).toEqual(whole.json.params);
      expect(merged.json.task).toBe('regression');
    });
  }

  it('one shard equals many shards', () => {
    const data = linearData(500);
    const one = predictValueRows(shardedModel(data, 'ridge', { alpha: 1 }, 1), data, data.rows);
    const seven = predictValueRows(shardedModel(data, 'ridge', { alpha: 1 }, 7), data, data.rows);
    for (let i = 0; i < one.length; i++) expect(Math.abs(one[i] - seven[i])).toBeLessThan(1e-9);
  });

  it('shards a regressor with linear or ridge regression only', () => {
    // Only the fields shardedAlgorithm reads (the spec parser's regression rules are tested with it).
    const spec = (algorithm: string) =>
      ({
        name: 'toy_score',
        label: { name: 'y', type: 'numeric', classes: [], tolerances: [0.5, 1] },
        model: { algorithm },
      }) as unknown as DatasetSpec;
    const forest = spec('random-forest-regressor');
    const linear = spec('linear-regression');
    expect(shardedAlgorithm(forest, undefined)).toBe('ridge');
    expect(shardedAlgorithm(linear, undefined)).toBe('linear-regression');
    expect(shardedAlgorithm(forest, 'linear-regression')).toBe('linear-regression');
    expect(() => shardedAlgorithm(forest, 'knn-regressor')).toThrow(ShardError);
    expect(() => shardedAlgorithm(forest, 'knn-regressor')).toThrow(
      "sharded regression fits linear-regression or ridge from mergeable statistics; 'knn-regressor' cannot be sharded",
    );
  });
});
