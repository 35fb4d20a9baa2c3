// infer: batch inference with the champion. Predicts every feature row that arrived after backfill
// (synthetic and ingested) and has no prediction yet, fills in actuals that arrived since, and rewrites
// the log in event-time order. Re-running predicts nothing twice.

import { isoFromMs, isoSeconds } from '../core/time.js';
import { FeatureGroup } from '../features/feature-group.js';
import { type FeatureTable, SOURCE_CODE } from '../features/feature-table.js';
import { parsePieceKey } from '../features/size-limits.js';
import type { Workspace } from '../files/workspace.js';
import type { ServingModel } from '../models/serving-model.js';
import type { PredictionRecord } from '../monitoring/monitoring-types.js';
import { checkModelTask, predictValues } from '../monitoring/value-predictions.js';
import { ModelRegistry } from '../registry/model-registry.js';
import {
  classificationLine,
  compareRecords,
  formatPredictedValue,
  type LogRenderer,
  PredictionLog,
  type RegressionLogLabel,
  regressionLine,
} from '../reports/prediction-log.js';
import { type DatasetSpec, taskOf } from '../spec/spec.js';
import { partitionsOf } from './shards/read-partitions.js';

export interface InferResult {
  dataset: string;
  modelVersion: number;
  predicted: number;
  actualsFilled: number;
  total: number;
  waitingForLabel: number;
}

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
  const { entry, model, fg, log } = inferenceInputs(ws, spec);
  // The log is verified before anything is computed, then read a month at a time: a record lives in the
  // log month of its row's partition, so a month's records say which of its rows were predicted.
  const manifest = log.verify();
  const previousRows = Object.values(manifest.partitions).reduce((s, e) => s + e.rows, 0);
  const logMonths = new Set(Object.keys(manifest.partitions).map((k) => parsePieceKey(k)?.month ?? k));
  const predictedAt = isoSeconds(opts.now);
  const groupMonths = fg.months();
  // Log months the group has no partition for keep their records; all months are rendered in order.
  const inGroup = new Set(groupMonths);
  const outside = [...logMonths].filter((m) => !inGroup.has(m)).sort();
  const renderer = log.renderer({ staged: true });
  const result = { predicted: 0, actualsFilled: 0, total: 0, waitingForLabel: 0 };
  const keep = (month: string) => {
    for (const r of log.readMonth(month, manifest)) {
      renderer.line(r.eventTime, log.lineOf(r));
      result.total++;
      if (r.actual === null) result.waitingForLabel++;
    }
  };
  try {
    // A partition at a time: memory holds one month's rows, never the group or the log's text.
    for (const part of partitionsOf(fg, [...groupMonths].sort(), fg.lateLabels())) {
      while (outside.length && outside[0] < part.month) keep(outside.shift()!);
      const previous = logMonths.has(part.month) ? log.readMonth(part.month, manifest) : [];
      const done = new Set(previous.map((r) => r.id));
      const m = inferMonth(model, entry.version, fg, part.table, previous, done, {
        predictedAt,
        regression: log.regression,
        log,
        renderer,
      });
      result.predicted += m.predicted;
      result.actualsFilled += m.actualsFilled;
      result.total += m.rows;
      result.waitingForLabel += m.waiting;
    }
    while (outside.length) keep(outside.shift()!);
    if (result.predicted > 0 || result.actualsFilled > 0 || previousRows === 0) log.commit(renderer.finish());
    else renderer.discard();
  } catch (err) {
    renderer.discard();
    throw err;
  }
  return { dataset: spec.name, modelVersion: entry.version, ...result };
}

/** Rows predicted per block: the block's matrix and probabilities stay small whatever the month's size. */
const PREDICT_BLOCK = 16384;

/** What one log month came to: its records, new predictions, filled actuals and records still waiting. */
export interface MonthResult {
  rows: number;
  predicted: number;
  actualsFilled: number;
  waiting: number;
}

/**
 * One month of inference: the new rows of a partition's `table` (not backfilled, id not in `done`)
 * predicted by `model` in blocks, the actuals that arrived for its earlier `previous` records (sorted,
 * as the log holds them) filled in, and every line of the log month sent to `renderer` in log order
 * (event time then id). A prediction is kept as its class and probability, or (regression) its value and
 * interval, in typed arrays — no record object per prediction — and rendered straight to its line.
 */
export function inferMonth(
  model: ServingModel,
  modelVersion: number,
  fg: FeatureGroup,
  table: FeatureTable,
  previous: readonly PredictionRecord[],
  done: ReadonlySet<number>,
  opts: {
    predictedAt: string;
    regression: RegressionLogLabel | null;
    log: PredictionLog;
    renderer: LogRenderer;
  },
): MonthResult {
  const { predictedAt, regression, log, renderer } = opts;
  const classes = fg.meta.label.classes.map((c) => c.value);
  const { todo, filled } = newRowsAndActuals(table, previous, done, classes, regression !== null);
  const predicted = predictBlocks(model, `${fg.spec.name} champion v${modelVersion}`, fg, table, todo, {
    classes: classes.length,
    regression: regression !== null,
  });
  const { order, timeOf, sortedText } = logOrder(table, todo);
  const { earlier, recordOf } = earlierRecords(previous, filled);
  const newLine = (r: number, eventTime: string, id: number) =>
    predictionLine(table, todo[r], r, predicted, classes, regression, {
      id,
      eventTime,
      predictedAt,
      modelVersion,
    });

  // The earlier records and the new rows merged in log order.
  let waiting = 0;
  let p = 0;
  let q = 0;
  while (p < earlier.length || q < order.length) {
    const r = order[q];
    const eventTime = q < order.length ? sortedText[timeOf[r]] : '';
    const id = q < order.length ? table.ids[todo[r]] : 0;
    if (p < earlier.length && (q === order.length || compareRecords(earlier[p], { eventTime, id }) < 0)) {
      const rec = recordOf(p++);
      if (rec.actual === null) waiting++;
      renderer.line(rec.eventTime, log.lineOf(rec));
      continue;
    }
    q++;
    const { line, actual } = newLine(r, eventTime, id);
    if (actual === null) waiting++;
    renderer.line(eventTime, line);
  }
  return { rows: earlier.length + todo.length, predicted: todo.length, actualsFilled: filled.size, waiting };
}

/**
 * The rows of `table` to predict (not backfilled, id not in `done`), and the actuals that arrived for
 * `previous` records still waiting (index into previous → actual).
 */
function newRowsAndActuals(
  table: FeatureTable,
  previous: readonly PredictionRecord[],
  done: ReadonlySet<number>,
  classes: readonly string[],
  regression: boolean,
): { todo: Int32Array; filled: Map<number, string> } {
  const waitingIds = new Map<number, number>(); // id → index into previous
  previous.forEach((r, n) => {
    if (r.actual === null) waitingIds.set(r.id, n);
  });
  const filled = new Map<number, string>(); // index into previous → the actual that arrived
  const backfilled = SOURCE_CODE.backfill;
  let count = 0;
  for (let i = 0; i < table.rows; i++)
    if (table.sources[i] !== backfilled && !done.has(table.ids[i])) count++;
  const todo = new Int32Array(count);
  count = 0;
  for (let i = 0; i < table.rows; i++) {
    if (table.sources[i] === backfilled) continue;
    const id = table.ids[i];
    if (!done.has(id)) {
      todo[count++] = i;
      continue;
    }
    // An actual that arrived after the prediction (an ingested row whose label came later).
    const n = waitingIds.get(id);
    const actual = n === undefined ? null : actualOf(table, i, classes, regression);
    if (n !== undefined && actual !== null) filled.set(n, actual);
  }
  return { todo, filled };
}

/** Each new row's prediction: class index and probability (`best`, `score`), or value, low and high. */
interface BlockPredictions {
  best: Int32Array | null;
  score: Float64Array;
  low: Float64Array | null;
  high: Float64Array | null;
}

/** The predictions of the `todo` rows, in blocks of rows so the matrix and probabilities stay small. */
function predictBlocks(
  model: ServingModel,
  where: string,
  fg: FeatureGroup,
  table: FeatureTable,
  todo: Int32Array,
  task: { classes: number; regression: boolean },
): BlockPredictions {
  const { regression, classes: k } = task;
  const best = regression ? null : new Int32Array(todo.length);
  const score = new Float64Array(todo.length); // probability, or the value
  const low = regression ? new Float64Array(todo.length) : null;
  const high = regression ? new Float64Array(todo.length) : null;
  for (let b = 0; b < todo.length; b += PREDICT_BLOCK) {
    const rows = Array.from(todo.subarray(b, Math.min(todo.length, b + PREDICT_BLOCK)));
    const X = model.matrixFor(fg.meta.features, table.columns, table.rows, rows);
    if (regression) {
      const p = predictValues(model, X, where);
      score.set(p.value, b);
      low!.set(p.low, b);
      high!.set(p.high, b);
      continue;
    }
    const proba = model.predictProba(X);
    for (let r = 0; r < rows.length; r++) {
      let c = 0;
      for (let j = 1; j < k; j++) if (proba[r * k + j] > proba[r * k + c]) c = j;
      best![b + r] = c;
      score[b + r] = proba[r * k + c];
    }
  }
  return { best, score, low, high };
}

/**
 * Log order of the new rows: event time as the log writes it (text order), then id. `order` lists the
 * rows in that order, `timeOf` gives each row's rank into `sortedText`, the distinct event times.
 */
function logOrder(table: FeatureTable, todo: Int32Array) {
  const isoText: string[] = [];
  const rankOfMs = new Map<number, number>();
  for (let r = 0; r < todo.length; r++) {
    const ms = table.eventTimes[todo[r]];
    if (!rankOfMs.has(ms)) {
      rankOfMs.set(ms, isoText.length);
      isoText.push(isoFromMs(ms));
    }
  }
  const byText = isoText
    .map((_, n) => n)
    .sort((a, b) => (isoText[a] < isoText[b] ? -1 : isoText[a] > isoText[b] ? 1 : 0));
  const rank = new Int32Array(isoText.length);
  byText.forEach((n, r) => {
    rank[n] = r;
  });
  const timeOf = new Int32Array(todo.length); // rank of each new row's event time
  for (let r = 0; r < todo.length; r++) timeOf[r] = rank[rankOfMs.get(table.eventTimes[todo[r]])!];
  const order = new Int32Array(todo.length);
  for (let r = 0; r < order.length; r++) order[r] = r;
  order.sort((a, b) => timeOf[a] - timeOf[b] || table.ids[todo[a]] - table.ids[todo[b]]);
  return { order, timeOf, sortedText: byText.map((n) => isoText[n]) };
}

/** The earlier records in log order (sorted only when the log was out of order), with the filled actuals. */
function earlierRecords(previous: readonly PredictionRecord[], filled: ReadonlyMap<number, string>) {
  let earlier = previous;
  for (let n = 1; n < previous.length; n++) {
    if (compareRecords(previous[n - 1], previous[n]) > 0) {
      earlier = [...previous].sort(compareRecords);
      break;
    }
  }
  const recordOf = (n: number): PredictionRecord => {
    const r = earlier[n];
    if (earlier !== previous) return r;
    const actual = filled.get(n);
    return actual === undefined ? r : { ...r, actual };
  };
  if (earlier !== previous && filled.size) {
    // Filled actuals by id when the earlier records had to be sorted (a log out of order).
    const actualOfId = new Map([...filled].map(([n, a]) => [previous[n].id, a]));
    earlier = earlier.map((r) => (actualOfId.has(r.id) ? { ...r, actual: actualOfId.get(r.id)! } : r));
  }
  return { earlier, recordOf };
}

/** The log line of new row `r` (table row `i`) and its actual (null while it waits for its label). */
function predictionLine(
  table: FeatureTable,
  i: number,
  r: number,
  predicted: BlockPredictions,
  classes: readonly string[],
  regression: RegressionLogLabel | null,
  at: { id: number; eventTime: string; predictedAt: string; modelVersion: number },
): { line: string; actual: string | null } {
  const { id, eventTime, predictedAt, modelVersion } = at;
  if (regression) {
    const actual = actualOf(table, i, classes, true);
    // The interval ends in the log's precision, as the log reads them back.
    const inLog = (x: number) => Number(formatPredictedValue(x, regression));
    const line = regressionLine(
      id,
      eventTime,
      predictedAt,
      modelVersion,
      formatPredictedValue(predicted.score[r], regression),
      inLog(predicted.low![r]),
      inLog(predicted.high![r]),
      actual,
      regression,
    );
    return { line, actual };
  }
  const actual = table.labels[i] >= 0 ? classes[table.labels[i]] : null;
  const line = classificationLine(
    id,
    eventTime,
    predictedAt,
    modelVersion,
    classes[predicted.best![r]],
    predicted.score[r],
    actual,
  );
  return { line, actual };
}
