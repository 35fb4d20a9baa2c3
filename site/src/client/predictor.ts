// The predictor page: loads the champion model JSON and the page data, builds the form and predicts in
// the browser with the same ServingModel the pipeline uses, on every input change. The form state lives
// in the URL query so a link restores it.

import { grouped, percent } from '../../../actions/lib/core/format.js';
import { type Prediction, ServingModel } from '../../../actions/lib/models/serving-model.js';
import { byId, fetchJson, h, showFailure } from './dom.js';
import { keepInView } from './keep-in-view.js';
import { fetchModel } from './model-fetch.js';
import { PREDICTOR_DATA_FORMAT, type PredictorData } from './page-data.js';
import { PERF_MARKS } from './perf-marks.js';
import { PredictionExplainer } from './predictor-explain.js';
import { PredictorForm } from './predictor-form.js';
import { PredictorResult } from './predictor-result.js';
import { type ValuePrediction, ValueResult } from './predictor-value.js';
import { registerServiceWorker } from './register-sw.js';
import { readQuery, writeQuery } from './url-state.js';
import { errorText, valueText } from './value-format.js';

/** The URL follows the form after a short pause: browsers throttle rapid history updates. */
const URL_DELAY_MS = 150;

function parseData(raw: unknown): PredictorData {
  const d = raw as PredictorData;
  if (d?.format !== PREDICTOR_DATA_FORMAT || d.version !== 1)
    throw new Error('predictor.json: not a predictor data file');
  return d;
}

function modelLine(d: PredictorData): string {
  const c = d.champion!;
  const score =
    c.holdoutMae !== undefined
      ? `holdout MAE ${errorText(c.holdoutMae, d.label)}` +
        (c.holdoutBaselineMae === undefined
          ? ''
          : ` (predicting the mean: ${errorText(c.holdoutBaselineMae, d.label)})`)
      : c.holdoutAccuracy === null
        ? 'no holdout score'
        : `holdout accuracy ${percent(c.holdoutAccuracy)}`;
  return (
    `Champion model v${c.version} · ${c.algorithmTitle} · ${score} ` +
    `on ${grouped(c.holdoutRows)} rows · trained ${c.createdAt.slice(0, 10)}`
  );
}

/** The answer panel of the dataset's task: class probabilities, or a value with its interval. */
function resultOf(data: PredictorData) {
  if (data.task !== 'regression') {
    const result = new PredictorResult(data.label.classes, data.label.title, modelLine(data));
    return { result, show: (p: Prediction) => result.show(p), actual: (v: string) => v };
  }
  const result = new ValueResult(
    data.label,
    data.regression?.observed ?? null,
    data.regression?.interval ?? 'residuals',
    modelLine(data),
  );
  return {
    result,
    show: (p: Prediction) => {
      const v = p as Prediction & Partial<ValuePrediction>;
      if (typeof v.value !== 'number' || typeof v.low !== 'number' || typeof v.high !== 'number')
        throw new Error('model.json did not give a value: it is not a regression model, rebuild the site');
      result.show({ value: v.value, low: v.low, high: v.high });
    },
    actual: (v: string) => (Number.isFinite(Number(v)) ? valueText(Number(v), data.label) : v),
  };
}

/** Holdout example `i` as form values; a value whose was-missing flag is set is blank (the form sets the flag). */
function exampleValues(data: PredictorData, i: number): Record<string, string> {
  const values: Record<string, string> = {};
  data.features.forEach((f, j) => {
    values[f.name] = data.examples.values[i][j];
  });
  for (const f of data.features)
    if (f.derivedFrom !== undefined && values[f.name] === '1') values[f.derivedFrom] = '';
  return values;
}

/** Which features the champion does not read, or null when it reads them all. */
function unusedNote(data: PredictorData): HTMLElement | null {
  if (data.unused.length === 0) return null;
  const reads = data.features.filter((f) => !f.inputOnly).length;
  return h(
    'p',
    { class: 'unused' },
    `Model v${data.champion!.version} reads ${reads} of ${reads + data.unused.length} features; it does not use: ${data.unused.map((u) => u.title).join(', ')}.`,
  );
}

/** The form, built as soon as the page data arrives; predictions start once the model is loaded. */
function start(app: HTMLElement, data: PredictorData): { modelReady(model: ServingModel): void } {
  const answer = resultOf(data);
  const result = answer.result;
  // Why: the explanation panel under the answer, its rows built now so the model's arrival shifts nothing.
  const explainer = new PredictionExplainer(data);
  result.element.append(explainer.element);
  let model: ServingModel | null = null;
  let urlTimer: ReturnType<typeof setTimeout> | undefined;
  let first = true;

  const update = () => {
    if (!form.check()) {
      result.showProblem('Fix the highlighted input to see a prediction.');
      explainer.clear();
      return;
    }
    if (model === null) {
      result.showProblem('Loading the champion model…', 'pending');
      return;
    }
    try {
      const input = form.modelInput();
      answer.show(model.predictOne(input));
      result.setCaveat(form.caveat());
      explainer.explain(model, input);
    } catch (err) {
      result.showProblem((err as Error).message);
      explainer.clear();
    }
    if (first) {
      first = false;
      performance.mark(PERF_MARKS.firstPrediction);
    }
  };
  const changed = () => {
    result.setNote(null);
    update();
    clearTimeout(urlTimer);
    urlTimer = setTimeout(
      () => history.replaceState(null, '', writeQuery(form.values(), form.inputs)),
      URL_DELAY_MS,
    );
  };
  const form = new PredictorForm(data.features, changed);

  const setAll = (values: Record<string, string>, note: string | null) => {
    form.setValues(values);
    changed();
    result.setNote(note);
  };
  // Holdout rows only (the site build picks them): rows the champion never trained on show its honest skill.
  const randomButton = h(
    'button',
    { type: 'button', id: 'random-example' },
    'Random holdout example (not used in training)',
  );
  randomButton.addEventListener('click', () => {
    const n = data.examples.ids.length;
    if (n === 0) return;
    const i = Math.floor(Math.random() * n);
    const values = exampleValues(data, i);
    const actual = data.label.classes.find((c) => c.value === data.examples.actual[i]);
    setAll(
      values,
      `Holdout row #${data.examples.ids[i]}, never used to train champion v${data.champion!.version}; its actual ${data.label.title.toLowerCase()}: ${actual?.label ?? answer.actual(data.examples.actual[i])}.`,
    );
    keepInView(result.element);
  });
  if (data.examples.ids.length === 0) randomButton.disabled = true;
  const resetButton = h('button', { type: 'button', id: 'reset-form' }, 'Reset to typical values');
  resetButton.addEventListener('click', () => setAll({}, null));

  const formSection = h(
    'section',
    { class: 'inputs', 'aria-labelledby': 'inputs-title' },
    h('h2', { id: 'inputs-title' }, 'Input'),
    // The buttons come first: with many fields they would otherwise sit a long scroll away.
    h('div', { class: 'toolbar' }, randomButton, resetButton),
    unusedNote(data),
    h('form', { id: 'predict-form', novalidate: true, autocomplete: 'off' }, form.element),
  );
  form.element.closest('form')!.addEventListener('submit', (e) => e.preventDefault());
  app.replaceChildren(h('div', { class: 'predictor' }, formSection, result.element));
  form.setValues(readQuery(location.search, form.inputs));
  update();
  return {
    modelReady(loaded) {
      const names = loaded.features.map((f) => f.name).join(',');
      const read = data.features.filter((f) => !f.inputOnly);
      if (names !== read.map((f) => f.name).join(','))
        throw new Error('model.json and predictor.json disagree on the features: rebuild the site');
      model = loaded;
      update();
    },
  };
}

async function main(): Promise<void> {
  const app = byId('app');
  try {
    // All three requests start at once (the page preloads them); the form does not wait for the model.
    const modelFile = app.dataset.model!;
    const model = fetchModel(modelFile, app.dataset.modelBin!).then((raw) => {
      performance.mark(PERF_MARKS.modelFetched);
      // Lazy: a forest is walked in its stored bytes, not decoded (the site build checked every byte).
      const loaded = ServingModel.load(raw, modelFile, { lazy: true });
      performance.mark(PERF_MARKS.modelLoaded);
      return loaded;
    });
    model.catch(() => undefined); // handled below; this keeps a failure from also being reported as unhandled
    const page = start(app, parseData(await fetchJson(app.dataset.data!)));
    page.modelReady(await model);
  } catch (err) {
    showFailure(app, `The predictor could not start: ${(err as Error).message}`);
    throw err;
  }
  registerServiceWorker();
}

void main();
