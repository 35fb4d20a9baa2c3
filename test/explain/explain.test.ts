// Explanations of single predictions, each checked against a brute-force recomputation: naive Bayes terms
// from the stored means/variances/priors, forest path contributions and Shapley values by walking and
// enumerating ourselves, kNN neighbours by sorting every training row.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainPrediction } from '../../actions/lib/explain/explain-prediction.js';
import type {
  LinearExplanation,
  LogisticExplanation,
  NaiveBayesExplanation,
  NeighbourExplanation,
  TreeExplanation,
} from '../../actions/lib/explain/explanation.js';
import { naiveBayesTerms } from '../../actions/lib/explain/naive-bayes.js';
import { saabas } from '../../actions/lib/explain/saabas.js';
import { type TreeEnsemble, treeEnd, treeEnsemble } from '../../actions/lib/explain/tree-ensemble.js';
import { treeShap } from '../../actions/lib/explain/tree-shap.js';
import { applyFeatureView } from '../../actions/lib/features/feature-view.js';
import { GaussianNB } from '../../actions/lib/models/gaussian-nb.js';
import { HistGradientBoosting } from '../../actions/lib/models/gradient-boosting.js';
import { KNearestNeighbors } from '../../actions/lib/models/knn.js';
import { KnnRegressor } from '../../actions/lib/models/knn-regressor.js';
import { LinearRegression } from '../../actions/lib/models/linear-regression.js';
import { LogisticRegression } from '../../actions/lib/models/logistic-regression.js';
import { RandomForest } from '../../actions/lib/models/random-forest/random-forest.js';
import { RandomForestRegressor } from '../../actions/lib/models/random-forest/random-forest-regressor.js';
import { ServingModel } from '../../actions/lib/models/serving-model.js';
import {
  CLASSES,
  FEATURES,
  inputOf,
  makeTable,
  matrixOf,
  rowOf,
  servedClassifier,
  servedRegressor,
  viewFor,
} from './explain-data.js';

const train = makeTable(300, 1);
const test = makeTable(40, 2);

/** Sum of a feature's contributions must equal the sum over its view columns. */
function byFeature(
  columns: ArrayLike<number>,
  model: { json: { view: { columns: { feature: string }[] } } },
) {
  const sums = new Map<string, number>();
  model.json.view.columns.forEach((c, j) => {
    sums.set(c.feature, (sums.get(c.feature) ?? 0) + columns[j]);
  });
  return sums;
}

describe('Gaussian naive Bayes: exact log-odds terms', () => {
  const model = servedClassifier(train, new GaussianNB(), false);
  const stored = model.json.estimator as unknown as {
    priors: number[];
    means: number[][];
    variances: number[][];
  };

  it('prior + Σ contributions = log-odds = log(p_win / p_runner) from predictProba; terms by brute force', () => {
    for (let i = 0; i < test.n; i++) {
      const ex = explainPrediction(model, inputOf(test, i)) as NaiveBayesExplanation;
      expect(ex.method).toBe('naive-bayes-log-odds');
      const X = model.matrixFor(FEATURES, test.columns, test.n, [i]);
      const proba = model.predictProba(X);
      const predicted = model.predictOne(inputOf(test, i)).classIndex;
      expect(ex.predicted.index).toBe(predicted);
      expect(ex.runnerUp.index).not.toBe(predicted);
      // The runner-up is the most probable other class.
      for (let c = 0; c < CLASSES.length; c++)
        if (c !== predicted) expect(proba[ex.runnerUp.index]).toBeGreaterThanOrEqual(proba[c]);
      const sum = ex.prior + ex.features.reduce((a, f) => a + f.contribution, 0);
      expect(Math.abs(sum - ex.logOdds)).toBeLessThan(1e-9);
      expect(Math.abs(ex.logOdds - Math.log(proba[predicted] / proba[ex.runnerUp.index]))).toBeLessThan(1e-9);
      expect(Math.abs(ex.predicted.probability - proba[predicted])).toBeLessThan(1e-12);

      // Brute force from the stored parameters, per view column, summed per feature.
      const x = rowOf(X, 0);
      const w = ex.predicted.index;
      const r = ex.runnerUp.index;
      const term = (c: number, j: number) =>
        -0.5 * Math.log(2 * Math.PI * stored.variances[c][j]) -
        (x[j] - stored.means[c][j]) ** 2 / (2 * stored.variances[c][j]);
      const perColumn = x.map((_, j) => term(w, j) - term(r, j));
      const expected = byFeature(perColumn, model);
      for (const f of ex.features)
        expect(Math.abs(f.contribution - expected.get(f.name)!)).toBeLessThan(1e-12);
      expect(Math.abs(ex.prior - Math.log(stored.priors[w] / stored.priors[r]))).toBeLessThan(1e-12);
    }
  });

  it('reports every feature once, with its input value, largest |contribution| first', () => {
    const ex = explainPrediction(model, inputOf(test, 3)) as NaiveBayesExplanation;
    expect(ex.features.map((f) => f.name).sort()).toEqual(FEATURES.map((f) => f.name).sort());
    for (let k = 1; k < ex.features.length; k++)
      expect(Math.abs(ex.features[k - 1].contribution)).toBeGreaterThanOrEqual(
        Math.abs(ex.features[k].contribution),
      );
    const colour = ex.features.find((f) => f.name === 'colour')!;
    expect(colour.value).toBe(inputOf(test, 3).colour);
    const category = FEATURES[1].categories!.find((c) => c.value === colour.value)!;
    expect(colour.valueLabel).toBe(category.label);
    expect(ex.features.find((f) => f.name === 'width')!.value).toBe(test.columns[0][3]);
    // JSON-ready: survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(ex))).toEqual(ex);
  });

  it('breaks a tie as the model did when told the predicted class', () => {
    const X = model.matrixFor(FEATURES, test.columns, test.n, [0]);
    const t = naiveBayesTerms(model.json.estimator, X.data, 2);
    expect(t.winner).toBe(2);
    expect(t.runnerUp).not.toBe(2);
  });
});

describe('linear models: exact terms', () => {
  function checkLogistic(table: typeof train) {
    const model = servedClassifier(table, new LogisticRegression(), true);
    const stored = model.json.estimator as unknown as {
      present: number[];
      coef: number[][];
      intercept: number[];
    };
    for (let i = 0; i < test.n; i++) {
      const ex = explainPrediction(model, inputOf(test, i)) as LogisticExplanation;
      expect(ex.method).toBe('logistic-log-odds');
      const X = model.matrixFor(FEATURES, test.columns, test.n, [i]);
      const proba = model.predictProba(X);
      expect(ex.predicted.index).toBe(model.predictOne(inputOf(test, i)).classIndex);
      const sum = ex.intercept + ex.features.reduce((a, f) => a + f.contribution, 0);
      expect(Math.abs(sum - ex.logOdds)).toBeLessThan(1e-9);
      expect(
        Math.abs(ex.logOdds - Math.log(proba[ex.predicted.index] / proba[ex.runnerUp.index])),
      ).toBeLessThan(1e-9);
      expect(Math.abs(ex.predicted.probability - proba[ex.predicted.index])).toBeLessThan(1e-12);
      // Brute force: per column (w_winner − w_runner) · x, a binary model's negative class weighing 0.
      const x = rowOf(X, 0);
      const w = (c: number, j: number) => {
        const k = stored.present.indexOf(c);
        if (stored.coef.length === 1) return k === 1 ? stored.coef[0][j] : 0;
        return stored.coef[k][j];
      };
      const expected = byFeature(
        x.map((v, j) => (w(ex.predicted.index, j) - w(ex.runnerUp.index, j)) * v),
        model,
      );
      for (const f of ex.features)
        expect(Math.abs(f.contribution - expected.get(f.name)!)).toBeLessThan(1e-12);
    }
  }

  it('logistic regression, three classes: intercept + Σ contributions = log(p_win / p_runner)', () => {
    checkLogistic(train);
  });

  it('logistic regression, two classes (one stored score row)', () => {
    checkLogistic({ ...train, labels: train.labels.map((c) => Math.min(c, 1)) });
  });

  it('ridge: intercept + Σ contributions = the predicted value', () => {
    const model = servedRegressor(train, new LinearRegression({ alpha: 1 }), true);
    const predicted = model.estimator.predict(matrixOf(model.view, test));
    for (let i = 0; i < test.n; i++) {
      const ex = explainPrediction(model, inputOf(test, i)) as LinearExplanation;
      expect(ex.method).toBe('linear');
      const sum = ex.intercept + ex.features.reduce((a, f) => a + f.contribution, 0);
      expect(Math.abs(sum - predicted[i])).toBeLessThan(1e-9);
      expect(Math.abs(ex.prediction - predicted[i])).toBeLessThan(1e-12);
    }
  });
});

/** Node values by the definition, recursively: a leaf's value, or the mean of the leaves beneath. */
function leafStats(e: TreeEnsemble, leafValue: Float64Array, node: number): { sum: number; count: number } {
  if (e.feature[node] < 0) return { sum: leafValue[node], count: 1 };
  const a = leafStats(e, leafValue, node + 1);
  const b = leafStats(e, leafValue, e.right[node]);
  return { sum: a.sum + b.sum, count: a.count + b.count };
}

/** Saabas by walking every tree ourselves. */
function bruteSaabas(e: TreeEnsemble, output: number, x: ArrayLike<number>) {
  const leafValue = e.values(output); // only leaf entries are read: a leaf's own prediction
  const value = (node: number) => {
    const s = leafStats(e, leafValue, node);
    return s.sum / s.count;
  };
  const columns = new Float64Array(e.nFeatures);
  let bias = 0;
  let prediction = 0;
  for (let t = 0; t < e.roots.length; t++) {
    if (e.treeOutput && e.treeOutput[t] !== output) continue;
    let node = e.roots[t];
    bias += value(node);
    while (e.feature[node] >= 0) {
      const next = x[e.feature[node]] <= e.threshold[node] ? node + 1 : e.right[node];
      columns[e.feature[node]] += value(next) - value(node);
      node = next;
    }
    prediction += leafValue[node];
  }
  if (!e.average)
    return { bias: e.baseline[output] + bias, prediction: e.baseline[output] + prediction, columns };
  const n = e.roots.length;
  return { bias: bias / n, prediction: prediction / n, columns: columns.map((c) => c / n) };
}

/** E[tree(x) | x_S known], path-dependent: unknown features follow both branches by leaf count. */
function conditional(
  e: TreeEnsemble,
  values: Float64Array,
  x: ArrayLike<number>,
  known: number,
  node: number,
): number {
  const j = e.feature[node];
  if (j < 0) return values[node];
  const left = node + 1;
  const right = e.right[node];
  if (known & (1 << j)) return conditional(e, values, x, known, x[j] <= e.threshold[node] ? left : right);
  return (
    (e.leaves[left] * conditional(e, values, x, known, left) +
      e.leaves[right] * conditional(e, values, x, known, right)) /
    e.leaves[node]
  );
}

/** Exact Shapley values by enumerating every subset of the view columns. */
function bruteShapley(e: TreeEnsemble, output: number, x: ArrayLike<number>): Float64Array {
  const values = e.values(output);
  const M = e.nFeatures;
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const f = new Float64Array(1 << M);
  for (let S = 0; S < 1 << M; S++) {
    let s = 0;
    for (let t = 0; t < e.roots.length; t++) s += conditional(e, values, x, S, e.roots[t]);
    f[S] = s / e.roots.length;
  }
  const phi = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    for (let S = 0; S < 1 << M; S++) {
      if (S & (1 << i)) continue;
      let size = 0;
      for (let b = 0; b < M; b++) if (S & (1 << b)) size++;
      phi[i] += ((fact(size) * fact(M - size - 1)) / fact(M)) * (f[S | (1 << i)] - f[S]);
    }
  }
  return phi;
}

describe('random forest classifier: Saabas and TreeSHAP', () => {
  const model = servedClassifier(train, new RandomForest({ nTrees: 12, seed: 3 }), false);
  const e = treeEnsemble(model.json.estimator);

  it('bias + Σ contributions = predicted probability of the predicted class (Saabas), as brute force', () => {
    expect(e.roots.length).toBe(12);
    for (let i = 0; i < test.n; i++) {
      const input = inputOf(test, i);
      const ex = explainPrediction(model, input, { trees: 'saabas' }) as TreeExplanation;
      expect(ex.method).toBe('saabas');
      const X = model.matrixFor(FEATURES, test.columns, test.n, [i]);
      const proba = model.predictProba(X);
      const predicted = model.predictOne(input).classIndex;
      expect(ex.predicted?.index).toBe(predicted);
      const sum = ex.bias + ex.features.reduce((a, f) => a + f.contribution, 0);
      expect(Math.abs(sum - proba[predicted])).toBeLessThan(1e-9);
      expect(Math.abs(ex.prediction - proba[predicted])).toBeLessThan(1e-12);
      const brute = bruteSaabas(e, predicted, X.data);
      expect(Math.abs(ex.bias - brute.bias)).toBeLessThan(1e-12);
      const expected = byFeature(brute.columns, model);
      for (const f of ex.features)
        expect(Math.abs(f.contribution - expected.get(f.name)!)).toBeLessThan(1e-12);
    }
  });

  it('every class telescopes: Σ over classes of the bias is 1', () => {
    let total = 0;
    for (let c = 0; c < CLASSES.length; c++)
      total += saabas(e, c, rowOf(matrixOf(model.json.view, test), 0)).bias;
    expect(Math.abs(total - 1)).toBeLessThan(1e-12);
  });

  it('TreeSHAP equals exact Shapley values by subset enumeration and sums to the prediction', () => {
    const X = matrixOf(model.json.view, test);
    expect(e.nFeatures).toBe(6); // 3 numeric + 3 one-hot: 64 subsets
    for (let i = 0; i < 8; i++) {
      const x = rowOf(X, i);
      for (let c = 0; c < CLASSES.length; c++) {
        const shap = treeShap(e, c, x);
        const brute = bruteShapley(e, c, x);
        for (let j = 0; j < e.nFeatures; j++)
          expect(Math.abs(shap.columns[j] - brute[j])).toBeLessThan(1e-12);
        const sum = shap.bias + shap.columns.reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - shap.prediction)).toBeLessThan(1e-12);
      }
    }
    const ex = explainPrediction(model, inputOf(test, 0)) as TreeExplanation;
    expect(ex.method).toBe('tree-shap'); // the default: fast enough on the largest committed forest
    const proba = model.predictProba(model.matrixFor(FEATURES, test.columns, test.n, [0]));
    expect(
      Math.abs(ex.bias + ex.features.reduce((a, f) => a + f.contribution, 0) - proba[ex.predicted!.index]),
    ).toBeLessThan(1e-9);
  });

  it('each tree spans its nodes up to the next root', () => {
    for (let t = 0; t < e.roots.length; t++) {
      expect(treeEnd(e, t) - e.roots[t]).toBe(2 * e.leaves[e.roots[t]] - 1);
    }
  });
});

describe('the committed Wine forest (lazy, as the site loads it)', () => {
  const raw = JSON.parse(readFileSync(new URL('../../models/wine/v3/model.json', import.meta.url), 'utf8'));
  const model = ServingModel.load(raw, 'wine', { lazy: true });
  const inputs = Array.from({ length: 12 }, (_, i) => {
    const input: Record<string, string | number> = {};
    for (const f of model.features) {
      if (f.type === 'categorical') input[f.name] = f.categories![i % f.categories!.length].value;
      else {
        const [lo, hi] = f.range!;
        input[f.name] = Number((lo + (((i * 0.37 + f.name.length * 0.11) % 1) * (hi - lo)) / 4).toFixed(3));
      }
    }
    return input;
  });

  it('the same explanation, byte for byte, whether the forest was loaded lazily or whole', () => {
    const whole = ServingModel.load(JSON.parse(JSON.stringify(raw)), 'wine');
    for (const input of inputs.slice(0, 3)) {
      expect(JSON.stringify(explainPrediction(whole, input))).toBe(
        JSON.stringify(explainPrediction(model, input)),
      );
    }
  });

  it('Saabas and TreeSHAP both sum to the predicted class probability from predictProba', () => {
    for (const input of inputs) {
      const p = model.predictOne(input);
      for (const trees of ['saabas', 'tree-shap'] as const) {
        const ex = explainPrediction(model, input, { trees }) as TreeExplanation;
        expect(ex.predicted?.index).toBe(p.classIndex);
        const sum = ex.bias + ex.features.reduce((a, f) => a + f.contribution, 0);
        expect(Math.abs(sum - p.probabilities[p.classIndex])).toBeLessThan(1e-9);
        expect(ex.features.map((f) => f.name).sort()).toEqual(model.features.map((f) => f.name).sort());
      }
    }
  });
});

describe('hist gradient boosting: the log-odds, winner vs runner-up', () => {
  function check(model: ServingModel, inputs: Record<string, string | number>[]) {
    const e = treeEnsemble(model.json.estimator);
    for (const input of inputs) {
      const p = model.predictOne(input);
      for (const trees of ['saabas', 'tree-shap'] as const) {
        const ex = explainPrediction(model, input, { trees }) as TreeExplanation;
        expect(ex.explains).toBe('log-odds');
        expect(ex.predicted?.index).toBe(p.classIndex);
        const runner = ex.runnerUp!.index;
        const logOdds = Math.log(p.probabilities[p.classIndex] / p.probabilities[runner]);
        const sum = ex.bias + ex.features.reduce((a, f) => a + f.contribution, 0);
        expect(Math.abs(sum - logOdds)).toBeLessThan(1e-9);
        expect(Math.abs(ex.prediction - logOdds)).toBeLessThan(1e-9);
        for (let c = 0; c < p.probabilities.length; c++)
          if (c !== p.classIndex) expect(p.probabilities[runner]).toBeGreaterThanOrEqual(p.probabilities[c]);
      }
      // Saabas by brute force, per slot: two classes explain ±(the one score), more the slots' difference.
      const ex = explainPrediction(model, input, { trees: 'saabas' }) as TreeExplanation;
      const x = model.matrixFor(
        model.features,
        model.features.map((f) => [
          f.type === 'categorical'
            ? f.categories!.findIndex((c) => c.value === String(input[f.name]))
            : Number(input[f.name]),
        ]),
        1,
      ).data;
      const present = (model.json.estimator as unknown as { classes: number[] }).classes;
      let columns: Float64Array;
      if (e.nOutputs === 1) {
        const sign = ex.predicted!.index === present[1] ? 1 : -1;
        columns = bruteSaabas(e, 0, x).columns.map((v) => sign * v);
      } else {
        const w = bruteSaabas(e, present.indexOf(ex.predicted!.index), x).columns;
        const r = bruteSaabas(e, present.indexOf(ex.runnerUp!.index), x).columns;
        columns = w.map((v, j) => v - r[j]);
      }
      const expected = byFeature(columns, model);
      for (const f of ex.features)
        expect(Math.abs(f.contribution - expected.get(f.name)!)).toBeLessThan(1e-12);
    }
  }

  it('three classes (one score per class)', () => {
    const model = servedClassifier(train, new HistGradientBoosting({ maxIter: 15 }), false);
    expect(treeEnsemble(model.json.estimator).nOutputs).toBe(3);
    check(
      model,
      Array.from({ length: test.n }, (_, i) => inputOf(test, i)),
    );
  });

  it("two classes: the committed Titanic champion's one score", () => {
    const raw = JSON.parse(
      readFileSync(new URL('../../models/titanic/v3/model.json', import.meta.url), 'utf8'),
    );
    const model = ServingModel.load(raw, 'titanic');
    expect(model.json.algorithm).toBe('hist-gradient-boosting');
    const inputs = [
      { pclass: '1', sex: 'female', age: 29, sibsp: 0, parch: 0, fare: 211.34, embarked: 'S' },
      { pclass: '3', sex: 'male', age: 22, sibsp: 1, parch: 0, fare: 7.25, embarked: 'S' },
      { pclass: '2', sex: 'male', age: 4, sibsp: 1, parch: 1, fare: 23, embarked: 'C' },
      { pclass: '3', sex: 'female', age: 40, sibsp: 0, parch: 5, fare: 31.3, embarked: 'Q' },
    ];
    const inputsForModel = inputs.map((row) =>
      Object.fromEntries(
        model.features.map((f) => [
          f.name,
          (row as Record<string, string | number>)[f.name] ?? f.categories?.[0].value ?? 0,
        ]),
      ),
    );
    check(model, inputsForModel);
  });
});

describe('random forest regressor: Saabas', () => {
  const model = servedRegressor(train, new RandomForestRegressor({ nTrees: 10, seed: 5 }), false);
  const e = treeEnsemble(model.json.estimator);

  it('bias + Σ contributions = predicted value, as brute force and TreeSHAP', () => {
    const X = matrixOf(model.view, test);
    const predicted = model.estimator.predict(X);
    for (let i = 0; i < test.n; i++) {
      const ex = explainPrediction(model, inputOf(test, i), { trees: 'saabas' }) as TreeExplanation;
      expect(ex.task).toBe('regression');
      expect(ex.predicted).toBeUndefined();
      const sum = ex.bias + ex.features.reduce((a, f) => a + f.contribution, 0);
      expect(Math.abs(sum - predicted[i])).toBeLessThan(1e-9);
      const x = rowOf(X, i);
      const brute = bruteSaabas(e, 0, x);
      const expected = byFeature(brute.columns, model);
      for (const f of ex.features)
        expect(Math.abs(f.contribution - expected.get(f.name)!)).toBeLessThan(1e-12);
      if (i < 5) {
        const shap = treeShap(e, 0, x);
        const exact = bruteShapley(e, 0, x);
        for (let j = 0; j < e.nFeatures; j++) expect(Math.abs(shap.columns[j] - exact[j])).toBeLessThan(1e-9);
      }
    }
  });
});

/** Every training row by (squared distance summed in feature order, index): the model's rule. */
function bruteNeighbours(X: ArrayLike<number>, cols: number, x: ArrayLike<number>, k: number) {
  const rows = X.length / cols;
  const all = Array.from({ length: rows }, (_, t) => {
    let s = 0;
    for (let j = 0; j < cols; j++) s += (X[t * cols + j] - x[j]) ** 2;
    return { t, s };
  });
  all.sort((a, b) => a.s - b.s || a.t - b.t);
  return all.slice(0, k).map(({ t, s }) => ({ t, d: Math.sqrt(s) }));
}

describe('kNN: the nearest training examples', () => {
  // Coarse values make exact distance ties common, so the tie order is really exercised.
  const coarse = makeTable(200, 9);
  coarse.columns[0] = coarse.columns[0].map((v) => Math.round(v));
  coarse.columns[2] = coarse.columns[2].map((v) => Math.round(v));
  coarse.columns[3] = coarse.columns[3].map((v) => Math.round(v));
  const model = servedClassifier(coarse, new KNearestNeighbors({ k: 7 }), true);
  const stored = model.json.estimator as unknown as { X: number[]; y: number[]; cols: number };

  it('lists the k nearest in the model order (distance, then training index), with labels, as brute force', () => {
    const queries = makeTable(30, 10);
    queries.columns[0] = queries.columns[0].map((v) => Math.round(v));
    for (let i = 0; i < queries.n; i++) {
      const ex = explainPrediction(model, inputOf(queries, i)) as NeighbourExplanation;
      expect(ex.method).toBe('neighbours');
      expect(ex.k).toBe(7);
      const x = model.matrixFor(FEATURES, queries.columns, queries.n, [i]).data;
      const brute = bruteNeighbours(stored.X, stored.cols, x, 7);
      expect(ex.neighbours.map((n) => n.trainingIndex)).toEqual(brute.map((b) => b.t));
      ex.neighbours.forEach((n, r) => {
        expect(n.rank).toBe(r + 1);
        expect(Math.abs(n.distance - brute[r].d)).toBeLessThan(1e-12);
        expect(n.label?.index).toBe(coarse.labels[n.trainingIndex]);
        expect(n.label?.value).toBe(CLASSES[coarse.labels[n.trainingIndex]].value);
      });
      expect(ex.input.find((f) => f.name === 'colour')?.value).toBe(inputOf(queries, i).colour);
    }
  });

  it("gives each neighbour's features back as the dataset's values", () => {
    const ex = explainPrediction(model, inputOf(coarse, 17)) as NeighbourExplanation;
    expect(ex.neighbours[0]).toMatchObject({ trainingIndex: 17, distance: 0 });
    for (const n of ex.neighbours) {
      const expected = inputOf(coarse, n.trainingIndex);
      for (const f of n.features) {
        const v = expected[f.name];
        expect(f.value).toBe(typeof v === 'number' ? v + 0 : v); // −0 + 0 is 0: JSON has no −0
      }
    }
  });

  it('kNN regressor: neighbours with their values, and their mean is the prediction', () => {
    const reg = servedRegressor(train, new KnnRegressor({ k: 5 }), true);
    const X = matrixOf(reg.view, test);
    const predicted = reg.estimator.predict(X);
    const storedReg = reg.json.estimator as unknown as { X: number[]; cols: number };
    for (let i = 0; i < test.n; i++) {
      const ex = explainPrediction(reg, inputOf(test, i)) as NeighbourExplanation;
      expect(ex.task).toBe('regression');
      const brute = bruteNeighbours(storedReg.X, storedReg.cols, rowOf(X, i), 5);
      expect(ex.neighbours.map((n) => n.trainingIndex)).toEqual(brute.map((b) => b.t));
      expect(ex.neighbours.map((n) => n.value)).toEqual(brute.map((b) => train.targets[b.t]));
      const mean = ex.neighbours.reduce((a, n) => a + n.value!, 0) / 5;
      expect(Math.abs(mean - predicted[i])).toBeLessThan(1e-9);
      expect(ex.neighbours.every((n) => n.weight === 1)).toBe(true);
    }
  });
});

describe('kNN, distance weights', () => {
  it('each neighbour carries its weight; the weighted mean of their values is the prediction', () => {
    const reg = servedRegressor(train, new KnnRegressor({ k: 6, weights: 'distance' }), true);
    const predicted = reg.estimator.predict(matrixOf(reg.view, test));
    for (let i = 0; i < test.n; i++) {
      const ex = explainPrediction(reg, inputOf(test, i)) as NeighbourExplanation;
      ex.neighbours.forEach((n) => {
        expect(n.weight).toBe(1 / n.distance);
      });
      const total = ex.neighbours.reduce((a, n) => a + n.weight, 0);
      const mean = ex.neighbours.reduce((a, n) => a + n.weight * n.value!, 0) / total;
      expect(Math.abs(mean - predicted[i])).toBeLessThan(1e-9);
    }
    // An exact training row: it takes all the weight.
    const exact = explainPrediction(reg, inputOf(train, 5)) as NeighbourExplanation;
    expect(exact.neighbours[0]).toMatchObject({ trainingIndex: 5, distance: 0, weight: 1 });
    expect(exact.neighbours.slice(1).every((n) => n.distance > 0 && n.weight === 0)).toBe(true);
  });
});

describe('a categorical feature as one ordinal view column', () => {
  // The view may code a categorical feature as its code in one column instead of one-hot columns.
  const base = viewFor(train, false);
  const view = {
    ...base,
    columns: [
      ...base.columns.filter((c) => c.code === undefined),
      { feature: 'colour', center: 1, scale: 0.5 },
    ],
  };
  const index = new Map(FEATURES.map((f, j) => [f.name, j]));
  const X = applyFeatureView(view, (name) => train.columns[index.get(name)!], train.n);
  const parts = {
    dataset: 'shapes',
    params: {},
    label: { name: 'size', title: 'Size', classes: CLASSES },
    view,
  };

  it('a forest: the feature contributes its one column; bias + Σ = probability', () => {
    const forest = new RandomForest({ nTrees: 8, seed: 2 }).fit(X, train.labels, 3);
    const model = ServingModel.create({ ...parts, algorithm: 'random-forest' }, forest);
    for (let i = 0; i < 10; i++) {
      const input = inputOf(test, i);
      const p = model.predictOne(input);
      const ex = explainPrediction(model, input, { trees: 'saabas' }) as TreeExplanation;
      const sum = ex.bias + ex.features.reduce((a, f) => a + f.contribution, 0);
      expect(Math.abs(sum - p.probabilities[p.classIndex])).toBeLessThan(1e-9);
      const x = model.matrixFor(FEATURES, test.columns, test.n, [i]).data;
      const brute = bruteSaabas(treeEnsemble(model.json.estimator), p.classIndex, x);
      expect(ex.features.find((f) => f.name === 'colour')?.contribution).toBeCloseTo(brute.columns[3], 12);
    }
  });

  it("kNN: each neighbour's category comes back from its scaled code", () => {
    const knn = new KNearestNeighbors({ k: 4 }).fit(X, train.labels, 3);
    const model = ServingModel.create({ ...parts, algorithm: 'knn' }, knn);
    const ex = explainPrediction(model, inputOf(test, 1)) as NeighbourExplanation;
    for (const n of ex.neighbours) {
      const colour = n.features.find((f) => f.name === 'colour')!;
      expect(colour.value).toBe(inputOf(train, n.trainingIndex).colour);
      expect(colour.valueLabel).toBe(FEATURES[1].categories!.find((c) => c.value === colour.value)!.label);
    }
  });
});

describe('inputs and unsupported models', () => {
  const model = servedClassifier(train, new GaussianNB(), false);

  it('refuses a bad value with the same reason as predictOne', () => {
    const input = { ...inputOf(test, 0), width: 'abc' };
    expect(() => explainPrediction(model, input)).toThrow(RangeError);
    let reason = '';
    try {
      model.predictOne(input);
    } catch (err) {
      reason = (err as Error).message;
    }
    expect(() => explainPrediction(model, input)).toThrow(reason);
    expect(() => explainPrediction(model, { ...inputOf(test, 0), colour: 'purple' })).toThrow(/colour/);
  });

  it('names the algorithm when it has no explanation', () => {
    const fake = { ...model, features: model.features, matrixFor: model.matrixFor.bind(model) };
    const json = {
      ...model.json,
      algorithm: 'svm',
      estimator: { format: 'gitml.svm', version: 1 },
    };
    expect(() => explainPrediction({ ...fake, json }, inputOf(test, 0))).toThrow(
      /a svm model cannot explain.*gaussian-nb/,
    );
  });
});
