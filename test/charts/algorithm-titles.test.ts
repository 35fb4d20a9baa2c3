import { describe, expect, test } from 'vitest';
import { algorithmTitle, TITLED_ALGORITHMS } from '../../actions/lib/charts/algorithm-titles.js';
import { ALGORITHMS } from '../../actions/lib/models/algorithms.js';
import { REGRESSION_ALGORITHMS } from '../../actions/lib/models/regressors.js';

describe('algorithm titles (the dashboard’s copy, without model code)', () => {
  test('every trainable algorithm has its registry title, and no other name has one', () => {
    const all = [...ALGORITHMS, ...REGRESSION_ALGORITHMS];
    for (const a of all) expect(algorithmTitle(a.name), a.name).toBe(a.title);
    expect(TITLED_ALGORITHMS).toEqual(all.map((a) => a.name).sort());
  });

  test('an unknown name shows as itself, inherited object keys included', () => {
    expect(algorithmTitle('xgboost')).toBe('xgboost');
    expect(algorithmTitle('constructor')).toBe('constructor');
  });
});
