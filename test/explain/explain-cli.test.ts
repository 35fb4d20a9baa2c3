// `gitml predict --explain`: the CLI prints the same explanation the library (and so the browser) computes.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainPrediction } from '../../actions/lib/explain/explain-prediction.js';
import type { NaiveBayesExplanation, NeighbourExplanation } from '../../actions/lib/explain/explanation.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { ModelRegistry } from '../../actions/lib/registry/model-registry.js';
import { cli, makeWorkspace } from '../helpers/workspace.js';

const IRIS = { sepal_length: 6.1, sepal_width: 2.9, petal_length: 4.7, petal_width: 1.4 };

let ws: string;
beforeAll(async () => {
  ws = makeWorkspace(['iris']);
  expect((await cli(ws, 'backfill')).code).toBe(0);
  expect((await cli(ws, 'train', '--algorithm', 'gaussian-nb', '--folds', '3', '--no-search')).code).toBe(0);
  expect((await cli(ws, 'train', '--algorithm', 'knn', '--folds', '3', '--no-search', '--force')).code).toBe(
    0,
  );
}, 120_000);
afterAll(() => {
  if (ws) rmSync(ws, { recursive: true, force: true });
});

describe('predict --explain', () => {
  it('adds the explanation of the library to the prediction (naive Bayes: log-odds terms)', async () => {
    const r = await cli(ws, 'predict', '-d', 'iris', '--version', '1', '--explain', JSON.stringify(IRIS));
    expect(r.code, r.err).toBe(0);
    const printed = JSON.parse(r.out) as { class: string; explanation: NaiveBayesExplanation };
    const model = new ModelRegistry(new Workspace(ws), 'iris').load(1);
    expect(printed.explanation).toEqual(JSON.parse(JSON.stringify(explainPrediction(model, IRIS))));
    expect(printed.explanation.method).toBe('naive-bayes-log-odds');
    expect(printed.explanation.predicted.value).toBe(printed.class);
    const sum =
      printed.explanation.prior + printed.explanation.features.reduce((a, f) => a + f.contribution, 0);
    expect(Math.abs(sum - printed.explanation.logOdds)).toBeLessThan(1e-9);
  });

  it('kNN: the nearest training examples', async () => {
    const r = await cli(ws, 'predict', '-d', 'iris', '--version', '2', '--explain', JSON.stringify(IRIS));
    expect(r.code, r.err).toBe(0);
    const printed = JSON.parse(r.out) as { explanation: NeighbourExplanation };
    expect(printed.explanation.method).toBe('neighbours');
    expect(printed.explanation.neighbours.length).toBe(printed.explanation.k);
    const d = printed.explanation.neighbours.map((n) => n.distance);
    expect([...d].sort((a, b) => a - b)).toEqual(d);
  });

  it('without --explain the output is unchanged', async () => {
    const r = await cli(ws, 'predict', '-d', 'iris', '--version', '1', JSON.stringify(IRIS));
    expect(Object.keys(JSON.parse(r.out))).toEqual(['class', 'label', 'probabilities']);
  });
});
