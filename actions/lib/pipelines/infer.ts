// infer: batch inference with the champion. Predicts every feature row that arrived after backfill
// (synthetic and ingested) and has no prediction yet, fills in actuals that arrived since, and rewrites
// the log in event-time order. Re-running predicts nothing twice.
import { FeatureGroup, isoSeconds } from '../feature-group.js';
import { type FeatureTable, isoFromMs, SOURCES } from '../feature-table.js';
import { ModelRegistry } from '../model-registry.js';
import type { PredictionRecord } from '../monitoring-types.js';
import { formatPredictedValue, PredictionLog, type RegressionLogLabel } from '../prediction-log.js';
import type { ServingModel } from '../serving-model.js';
import { type DatasetSpec, taskOf } from '../spec.js';
import { checkModelTask, predictValues } from '../value-predictions.js';
import type { Workspace } from '../workspace.js';

export interface InferResult {
  dataset: string;
  modelVersion: number;
  predicted: number;
  actualsFilled: number;
  total: number;
  waitingForLabel: number;
}

export const BACKFILL = SOURCES.indexOf('backfill');

/** The numeric label a regression log is written for (its decimals), or null for classification. */
export function regressionLogLabel(spec: DatasetSpec): RegressionLogLabel | null {
  return taskOf(spec.label) === 'regression' ? { decimals: spec.label.decimals } : null;
}

/** The prediction log of a dataset, with the columns of its task. */
export function predictionLogOf(ws: Workspace, spec: DatasetSpec, fg: FeatureGroup): PredictionLog {
  const regression = regressionLogLabel(spec);
  const classes = regression ? [] : fg.meta.label.classes.map((c) => c.value);
  return new PredictionLog(ws, spec.name, classes, regression);
}

/**
 * A labelled row's actual as the log writes it: its class, or (regression) the stored number's text;
 * null while the row waits for its label.
 */
export function actualOf(
  table: FeatureTable,
  i: number,
  classes: readonly string[],
  regression: boolean,
): string | null {
  if (table.labels[i] < 0) return null;
  if (!regression) return classes[table.labels[i]];
  const value = table.targets[i];
  return Number.isFinite(value) ? String(value) : null;
}

/**
 * What inference reads and writes: the champion, checked against the feature group it will predict (a
 * missing or changed feature is an error naming it) and against the spec's task, the group, its class
 * values (none for regression) and the prediction log.
 */
export function inferenceInputs(ws: Workspace, spec: DatasetSpec) {
  const { entry, model } = new ModelRegistry(ws, spec.name).requireChampion();
  const fg = FeatureGroup.open(ws, spec);
  const where = `${spec.name} champion v${entry.version} vs feature group v${fg.meta.version}`;
  checkModelTask(model, taskOf(spec.label), where);
  model.checkSchema(fg.meta.features, where);
  const log = predictionLogOf(ws, spec, fg);
  return { entry, model, fg, classes: log.classes, log };
}

export function infer(ws: Workspace, spec: DatasetSpec, opts: { now: Date }): InferResult {
  const { entry, model, fg, classes, log } = inferenceInputs(ws, spec);
  const previous = log.read(); // verifies the log before anything is computed
  const table = fg.read();

  // Ids already predicted, and the few that still wait for their actual; no per-row map of the table.
  const done = new Set<number>();
  const waiting = new Map<number, number>(); // id → index into previous
  previous.forEach((r, n) => {
    done.add(r.id);
    if (r.actual === null) waiting.set(r.id, n);
  });
  const todo: number[] = [];
  const records = previous.slice();
  let actualsFilled = 0;
  for (let i = 0; i < table.rows; i++) {
    if (table.sources[i] === BACKFILL) continue;
    const id = table.ids[i];
    if (!done.has(id)) {
      todo.push(i);
      continue;
    }
    // An actual that arrived after the prediction (an ingested row whose label came later).
    const n = waiting.get(id);
    const actual = n === undefined ? null : actualOf(table, i, classes, log.regression !== null);
    if (n !== undefined && actual !== null) {
      records[n] = { ...records[n], actual };
      actualsFilled++;
    }
  }
  // A loop, not push(...): millions of arguments would overflow the stack.
  for (const r of predictRecords(model, entry.version, fg, table, todo, isoSeconds(opts.now), log.regression))
    records.push(r);
  if (todo.length > 0 || actualsFilled > 0 || previous.length === 0) log.write(records);
  return {
    dataset: spec.name,
    modelVersion: entry.version,
    predicted: todo.length,
    actualsFilled,
    total: records.length,
    waitingForLabel: records.filter((r) => r.actual === null).length,
  };
}

/**
 * Log records for rows `todo` of a feature table, predicted by `model` (version `modelVersion`): the class
 * and its probability, or (regression, `regression` set) the value and its interval in the log's precision.
 */
export function predictRecords(
  model: ServingModel,
  modelVersion: number,
  fg: FeatureGroup,
  table: FeatureTable,
  todo: readonly number[],
  predictedAt: string,
  regression: RegressionLogLabel | null = null,
): PredictionRecord[] {
  if (todo.length === 0) return [];
  const classes = fg.meta.label.classes.map((c) => c.value);
  const X = model.matrixFor(fg.meta.features, table.columns, table.rows, todo);
  // Rows share few distinct event times (a day's rows are stamped alike): format each once.
  const iso = new Map<number, string>();
  const isoOf = (ms: number) => {
    let text = iso.get(ms);
    if (text === undefined) iso.set(ms, (text = isoFromMs(ms)));
    return text;
  };
  if (regression) {
    const p = predictValues(model, X, `${fg.spec.name} champion v${modelVersion}`);
    // The interval ends in the log's precision, as the log will read them back.
    const inLog = (x: number) => Number(formatPredictedValue(x, regression));
    return todo.map((i, r) => ({
      id: table.ids[i],
      eventTime: isoOf(table.eventTimes[i]),
      predictedAt,
      modelVersion,
      predicted: formatPredictedValue(p.value[r], regression),
      probability: 0,
      low: inLog(p.low[r]),
      high: inLog(p.high[r]),
      actual: actualOf(table, i, classes, true),
    }));
  }
  const proba = model.predictProba(X);
  const k = classes.length;
  return todo.map((i, r) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[r * k + c] > proba[r * k + best]) best = c;
    return {
      id: table.ids[i],
      eventTime: isoOf(table.eventTimes[i]),
      predictedAt,
      modelVersion,
      predicted: classes[best],
      probability: proba[r * k + best],
      actual: table.labels[i] >= 0 ? classes[table.labels[i]] : null,
    };
  });
}
