// monitor: recomputes reports/<dataset>/monitoring.json from the prediction log, the feature group and
// the champion: the original systems' panels (latest sample, recent history, confusion matrices) plus
// accuracy over time and per model version, class mix, feature and prediction drift, and alerts. For a
// regression task (numeric label) the error panels instead (regression-monitoring.ts): MAE and RMSE per
// day and version, predicted vs actual, the error histogram, residual and prediction drift (KS), and the
// MAE alert; the champion's holdout residuals come from re-predicting its holdout rows.
import path from 'node:path';
import { percent } from '../core/format.js';
import { GitmlError } from '../core/gitml-error.js';
import { stableStringifyRows } from '../core/json.js';
import { wilsonInterval } from '../core/proportion-interval.js';
import { addDays, DAY_MS, utcDate } from '../core/time.js';
import { FeatureGroup } from '../features/feature-group.js';
import { type FeatureTable, SOURCE_CODE } from '../features/feature-table.js';
import { writeFilesAtomically } from '../files/atomic-write.js';
import type { Workspace } from '../files/workspace.js';
import { categoryCounts, chiSquareTest, psiFromCounts } from '../monitoring/drift.js';
import { driftRuleText, driftStatus, featureDrifts, round3 } from '../monitoring/drift-decision.js';
import {
  type Alert,
  type DailyPoint,
  type DriftReport,
  type LiveAccuracy,
  MONITORING_FILE,
  MONITORING_FORMAT,
  type MonitoringReport,
  type PredictionRecord,
  type RegressionLabel,
  type RegressionMonitoring,
  ROLLING_DAYS,
  type Thresholds,
  type VersionPoint,
} from '../monitoring/monitoring-types.js';
import {
  ksDrift,
  liveWithin,
  maeAlert,
  maeThreshold,
  regressionMonitoring,
  regressionRows,
} from '../monitoring/regression-monitoring.js';
import { checkModelTask, predictValues } from '../monitoring/value-predictions.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { formatPredictedValue, removeEarlierManifest } from '../reports/prediction-log.js';
import { type DatasetSpec, taskOf } from '../spec/spec.js';
import { confusionMatrix } from '../training/metrics.js';
import type { DayRange } from './daily-schedule.js';
import { predictionLogOf } from './infer.js';

export const DEFAULT_THRESHOLDS: Omit<Thresholds, 'accuracy'> = {
  pValue: 0.05,
  psi: 0.2,
  windowDays: 30,
  minWindowRows: 20,
  recentRows: 20,
};
/** Alert when rolling 30-day accuracy falls this far below the champion's holdout accuracy. */
export const ACCURACY_MARGIN = 0.15;

export class MonitorError extends GitmlError {
  override name = 'MonitorError';
}

const round = (x: number) => Number(x.toFixed(6));

/**
 * With an explicit windowDays, a window too small for drift is an error (the caller asked for it);
 * by default drift is skipped with the reason recorded, so a young feature group still gets its report.
 */
export function monitor(
  ws: Workspace,
  spec: DatasetSpec,
  opts: { now: Date; windowDays?: number },
): MonitoringReport {
  const registry = new ModelRegistry(ws, spec.name);
  const champion = registry.requireChampion();
  const fg = FeatureGroup.open(ws, spec);
  const regression = taskOf(spec.label) === 'regression';
  if (regression)
    checkModelTask(champion.model, 'regression', `${spec.name} champion v${champion.entry.version}`);
  const classes = regression ? [] : fg.meta.label.classes.map((c) => c.value);
  const log = predictionLogOf(ws, spec, fg);
  const records = log.read();
  const table = fg.read();
  const index = registry.index();
  const windowDays = opts.windowDays ?? DEFAULT_THRESHOLDS.windowDays;
  const k = classes.length;
  const code = new Map(classes.map((c, i) => [c, i]));
  const labelled = records.filter((r) => r.actual !== null);
  const correct = regression ? 0 : labelled.filter((r) => r.actual === r.predicted).length;
  const lastDate = records.length ? records[records.length - 1].eventTime.slice(0, 10) : null;
  const recentFrom = lastDate ? addDays(lastDate, -(windowDays - 1)) : null;
  const inWindow = (r: PredictionRecord) => recentFrom !== null && r.eventTime.slice(0, 10) >= recentFrom;
  // Regression has no classes: empty matrices.
  const confusionOf = (rs: PredictionRecord[]) =>
    regression
      ? []
      : confusionMatrix(
          rs.map((r) => code.get(r.actual!)!),
          rs.map((r) => code.get(r.predicted)!),
          k,
        );

  const daily = dailyPoints(records, classes, regression);
  const task = regression
    ? regressionParts(spec, fg, table, champion, registry, records, windowDays)
    : classificationParts(spec, champion, registry, records, daily, windowDays);
  const { thresholds } = task;
  const { drift, driftSkipped } = driftOrWhyNot(fg, table, champion, records, thresholds, regression, opts);
  const missingDays = syntheticGaps(table);
  const alerts: Alert[] = [task.alert, datasetDriftAlert(drift, driftSkipped, thresholds)];
  return {
    format: MONITORING_FORMAT,
    version: 1,
    dataset: spec.name,
    title: spec.title,
    asOf: records.length ? records[records.length - 1].eventTime : null,
    ...(regression ? { task: 'regression' as const, label: regressionLabel(spec) } : {}),
    classes: regression ? [] : fg.meta.label.classes,
    champion: task.champion,
    totals: {
      predictions: records.length,
      labelled: labelled.length,
      correct,
      accuracy: regression ? null : labelled.length ? round(correct / labelled.length) : null,
      bySource: predictionsBySource(table, records),
    },
    live: task.live,
    recent: records.slice(-thresholds.recentRows),
    confusion: {
      all: confusionOf(labelled),
      recent: confusionOf(labelled.filter(inWindow)),
      recentDays: windowDays,
    },
    daily,
    byVersion: versionPoints(records, regression),
    modelChanges: modelChanges(records).filter((c) => index.versions.some((v) => v.version === c.version)),
    drift,
    ...(driftSkipped ? { driftSkipped } : {}),
    ...(missingDays.length ? { missingDays } : {}),
    alerts,
    thresholds,
    ...(task.regression ? { regression: task.regression } : {}),
    // The manifest the log was verified against, carried over as infer wrote it.
    log: log.manifest(),
  };
}

/** The days the serving model changed: the first record of each run of one model version. */
function modelChanges(records: readonly PredictionRecord[]): { date: string; version: number }[] {
  const changes: { date: string; version: number }[] = [];
  for (const r of records) {
    if (changes.length === 0 || changes[changes.length - 1].version !== r.modelVersion) {
      changes.push({ date: r.eventTime.slice(0, 10), version: r.modelVersion });
    }
  }
  return changes;
}

/**
 * The drift report, or why it was skipped: a window too small is an error only when the caller asked
 * for that window (`opts.windowDays`).
 */
function driftOrWhyNot(
  fg: FeatureGroup,
  table: FeatureTable,
  champion: Champion,
  records: PredictionRecord[],
  thresholds: Thresholds,
  regression: boolean,
  opts: { windowDays?: number },
): { drift: DriftReport | null; driftSkipped?: string } {
  try {
    return { drift: driftReport(fg, table, champion, records, thresholds, regression) };
  } catch (err) {
    if (!(err instanceof MonitorError) || opts.windowDays !== undefined) throw err;
    return { drift: null, driftSkipped: err.message };
  }
}

/** The dataset-drift alert: active when any feature drifted; its value is the share that drifted. */
function datasetDriftAlert(
  drift: DriftReport | null,
  driftSkipped: string | undefined,
  thresholds: Thresholds,
): Alert {
  const drifted = drift?.features.filter((f) => f.drifted) ?? [];
  return {
    kind: 'dataset-drift',
    active: drift?.datasetDrift ?? false,
    message: !drift
      ? `Drift not computed: ${driftSkipped}`
      : drift.datasetDrift
        ? `${drifted.length} of ${drift.features.length} features drifted (${drifted.map((f) => f.feature).join(', ')}) in the window ${drift.window.from} … ${drift.window.to}: ${driftRuleText(thresholds)}.`
        : `No feature drifted in the last ${drift.window.days} days (${driftRuleText(thresholds)}): no dataset drift.`,
    // The share of features that drifted; any share above 0 is dataset drift.
    value: drift ? round(drift.share) : null,
    threshold: 0,
  };
}

type Champion = ReturnType<ModelRegistry['requireChampion']>;

/** The parts of the report that depend on the task: thresholds, champion figures, live, the first alert. */
interface TaskParts {
  thresholds: Thresholds;
  champion: NonNullable<MonitoringReport['champion']>;
  live: LiveAccuracy;
  alert: Alert;
  regression?: RegressionMonitoring;
}

function classificationParts(
  spec: DatasetSpec,
  champion: Champion,
  registry: ModelRegistry,
  records: PredictionRecord[],
  daily: DailyPoint[],
  windowDays: number,
): TaskParts {
  // The registry keeps a classifier's or a regressor's figures; this is a classifier's champion.
  const holdoutAccuracy = (champion.entry.holdout as { accuracy: number }).accuracy;
  const baseline = registry.holdoutBaseline(champion.entry);
  const accuracy = spec.monitoring.accuracyThreshold ?? round(Math.max(0, holdoutAccuracy - ACCURACY_MARGIN));
  const thresholds: Thresholds = { ...DEFAULT_THRESHOLDS, windowDays, accuracy };
  const thresholdWhy =
    spec.monitoring.accuracyThreshold !== undefined
      ? 'set in dataset.yml'
      : `champion v${champion.entry.version} holdout ${percent(holdoutAccuracy)} − ${ACCURACY_MARGIN * 100} points`;
  const lastDate = records.length ? records[records.length - 1].eventTime.slice(0, 10) : null;
  const recentFrom = lastDate ? addDays(lastDate, -(windowDays - 1)) : null;
  // Rolling 30-day accuracy over enough labelled rows: a 7-day window of 1 row a day flaps.
  const last = daily[daily.length - 1];
  const since = last ? addDays(last.date, -(ROLLING_DAYS - 1)) : '';
  const window30 = daily.filter((d) => d.date >= since).reduce((n, d) => n + d.labelled, 0);
  const rolling = last && window30 >= thresholds.minWindowRows ? last.rolling30 : null;
  // Messages of alerts that are not active carry no figures of the day (the values are in `value`), so
  // a quiet day does not rewrite them; an active alert's message has the numbers an issue needs.
  const accuracyActive = rolling !== null && rolling < accuracy;
  return {
    thresholds,
    champion: {
      version: champion.entry.version,
      algorithm: champion.entry.algorithm,
      holdoutAccuracy: round(holdoutAccuracy),
      holdoutBaseline: baseline === null ? null : round(baseline),
    },
    live: liveAccuracy(
      records.filter(
        (r) => r.actual !== null && recentFrom !== null && r.eventTime.slice(0, 10) >= recentFrom,
      ),
      windowDays,
    ),
    alert: {
      kind: 'accuracy',
      active: accuracyActive,
      message:
        rolling === null
          ? `Fewer than ${thresholds.minWindowRows} labelled predictions in the last 30 days: the accuracy alert waits for more.`
          : accuracyActive
            ? `Rolling 30-day accuracy ${percent(rolling)} is below the alert threshold ${percent(accuracy)} (${thresholdWhy}).`
            : `Rolling 30-day accuracy is at or above the alert threshold ${percent(accuracy)} (${thresholdWhy}).`,
      value: rolling,
      threshold: accuracy,
    },
  };
}

/** The numeric label as monitoring.json carries it. */
function regressionLabel(spec: DatasetSpec): RegressionLabel {
  const l = spec.label;
  return {
    name: l.name,
    title: l.title,
    ...(l.unit !== undefined ? { unit: l.unit } : {}),
    ...(l.range !== undefined ? { range: l.range } : {}),
    ...(l.decimals !== undefined ? { decimals: l.decimals } : {}),
    tolerances: l.tolerances,
  };
}

/** The regression holdout figures the registry keeps (plan 4 contract 4). */
interface RegressionHoldout {
  rows?: number;
  mae?: number;
  rmse?: number;
  baselineMae?: number;
  r2?: number;
  within?: { tolerance: number; accuracy: number }[];
}

function regressionParts(
  spec: DatasetSpec,
  fg: FeatureGroup,
  table: FeatureTable,
  champion: Champion,
  registry: ModelRegistry,
  records: PredictionRecord[],
  windowDays: number,
): TaskParts {
  const { entry } = champion;
  const holdout = entry.holdout as unknown as RegressionHoldout;
  const where = `${spec.name}: champion v${entry.version} in ${registry.ws.rel(registry.indexPath)}`;
  if (typeof holdout.mae !== 'number' || typeof holdout.rmse !== 'number')
    throw new MonitorError(
      `${where} has no holdout MAE and RMSE; run train to register a regression champion`,
    );
  const label = regressionLabel(spec);
  const limit = maeThreshold(holdout.mae, entry.version, label, spec.monitoring.maeMargin);
  const thresholds: Thresholds = {
    ...DEFAULT_THRESHOLDS,
    windowDays,
    mae: limit.threshold,
    maeMargin: limit.margin,
  };
  const rows = regressionRows(records);
  const residuals = holdoutResiduals(fg, table, champion, registry);
  const regression = regressionMonitoring(rows, {
    windowDays,
    minWindowRows: thresholds.minWindowRows,
    tolerances: label.tolerances,
    holdoutResiduals: residuals.values,
    holdoutMissing: residuals.missing,
    rule: thresholds,
  });
  const smallest = label.tolerances.length ? Math.min(...label.tolerances) : null;
  const holdoutWithin = holdout.within?.find((w) => w.tolerance === smallest)?.accuracy;
  return {
    thresholds,
    champion: {
      version: entry.version,
      algorithm: entry.algorithm,
      holdoutAccuracy: round(holdoutWithin ?? 0),
      holdoutBaseline: null,
      holdoutMae: round(holdout.mae),
      holdoutRmse: round(holdout.rmse),
      holdoutBaselineMae: typeof holdout.baselineMae === 'number' ? round(holdout.baselineMae) : null,
      holdoutR2: typeof holdout.r2 === 'number' ? round(holdout.r2) : null,
      holdoutWithin: (holdout.within ?? []).map((w) => ({
        tolerance: w.tolerance,
        accuracy: round(w.accuracy),
      })),
    },
    live: liveWithin(rows, windowDays, label.tolerances),
    alert: maeAlert(regression.daily, limit, thresholds.minWindowRows, label),
    regression,
  };
}

/**
 * The champion's holdout residuals (predicted − actual): its holdout rows (metrics.json's split.testIds)
 * re-predicted from the feature group, values in the log's precision, like the served predictions. The
 * same model on the same rows gives the same residuals every run; null (and why) when the ids are not kept.
 */
function holdoutResiduals(
  fg: FeatureGroup,
  table: FeatureTable,
  champion: Champion,
  registry: ModelRegistry,
): { values: Float64Array | null; missing?: string } {
  const ids = registry.holdoutIds(champion.entry.version);
  if (ids === null)
    return {
      values: null,
      missing: `champion v${champion.entry.version}'s metrics.json does not list its holdout rows (split.testIds)`,
    };
  const wanted = new Set(ids);
  const rows: number[] = [];
  for (let i = 0; i < table.rows; i++)
    if (wanted.has(table.ids[i]) && table.labels[i] >= 0 && Number.isFinite(table.targets[i])) rows.push(i);
  if (rows.length === 0) return { values: new Float64Array(0) };
  const X = champion.model.matrixFor(fg.meta.features, table.columns, table.rows, rows);
  const p = predictValues(champion.model, X, `${fg.spec.name} champion v${champion.entry.version}`);
  const label = { decimals: fg.spec.label.decimals };
  return {
    values: Float64Array.from(
      rows,
      (i, r) => Number(formatPredictedValue(p.value[r], label)) - table.targets[i],
    ),
  };
}

/** How many predictions were of generated rows and how many of ingested (real) ones. */
function predictionsBySource(
  table: FeatureTable,
  records: readonly PredictionRecord[],
): MonitoringReport['totals']['bySource'] {
  const sourceOf = new Map<number, number>();
  for (let i = 0; i < table.rows; i++) sourceOf.set(table.ids[i], table.sources[i]);
  let synthetic = 0;
  let ingest = 0;
  for (const r of records) {
    const source = sourceOf.get(r.id);
    if (source === SOURCE_CODE.synthetic) synthetic++;
    else if (source === SOURCE_CODE.ingest) ingest++;
  }
  return { synthetic, ingest };
}

/** Live accuracy over the window's labelled predictions, with its Wilson interval (30 rows say little). */
function liveAccuracy(labelled: readonly PredictionRecord[], days: number): LiveAccuracy {
  const correct = labelled.filter((r) => r.actual === r.predicted).length;
  if (labelled.length === 0) return { days, labelled: 0, correct: 0, accuracy: null, low: null, high: null };
  const ci = wilsonInterval(correct, labelled.length);
  return {
    days,
    labelled: labelled.length,
    correct,
    accuracy: round(correct / labelled.length),
    low: round(ci.low),
    high: round(ci.high),
  };
}

/** Days without synthetic rows between the first and the last generated day (days the daily missed). */
function syntheticGaps(table: FeatureTable): DayRange[] {
  const days = new Set<number>();
  for (let i = 0; i < table.rows; i++)
    if (table.sources[i] === SOURCE_CODE.synthetic) days.add(Math.floor(table.eventTimes[i] / DAY_MS));
  const sorted = [...days].sort((a, b) => a - b);
  const gaps: DayRange[] = [];
  for (let k = 1; k < sorted.length; k++) {
    const missing = sorted[k] - sorted[k - 1] - 1;
    if (missing > 0)
      gaps.push({
        from: utcDate((sorted[k - 1] + 1) * DAY_MS),
        to: utcDate((sorted[k] - 1) * DAY_MS),
        days: missing,
      });
  }
  return gaps;
}

/** Per day: rows and labelled rows; classification also accuracy and class counts (regression: see regression.daily). */
function dailyPoints(records: PredictionRecord[], classes: string[], regression: boolean): DailyPoint[] {
  const days = new Map<string, PredictionRecord[]>();
  for (const r of records) {
    const d = r.eventTime.slice(0, 10);
    if (!days.has(d)) days.set(d, []);
    days.get(d)!.push(r);
  }
  const dates = [...days.keys()].sort();
  const points: DailyPoint[] = dates.map((date) => {
    const rs = days.get(date)!;
    const lab = rs.filter((r) => r.actual !== null);
    const ok = regression ? 0 : lab.filter((r) => r.actual === r.predicted).length;
    const predicted: Record<string, number> = {};
    const actual: Record<string, number> = {};
    for (const c of classes) {
      predicted[c] = rs.filter((r) => r.predicted === c).length;
      actual[c] = lab.filter((r) => r.actual === c).length;
    }
    return {
      date,
      rows: rs.length,
      labelled: lab.length,
      correct: ok,
      accuracy: lab.length && !regression ? round(ok / lab.length) : null,
      rolling7: null,
      rolling30: null,
      predicted,
      actual,
    };
  });
  const rolling = (p: DailyPoint, days: number) => {
    const from = addDays(p.date, -(days - 1));
    let l = 0;
    let c = 0;
    for (const q of points) {
      if (q.date >= from && q.date <= p.date) {
        l += q.labelled;
        c += q.correct;
      }
    }
    return l && !regression ? round(c / l) : null;
  };
  for (const p of points) {
    p.rolling7 = rolling(p, 7);
    p.rolling30 = rolling(p, ROLLING_DAYS);
  }
  return points;
}

function versionPoints(records: PredictionRecord[], regression: boolean): VersionPoint[] {
  const by = new Map<number, PredictionRecord[]>();
  for (const r of records) {
    if (!by.has(r.modelVersion)) by.set(r.modelVersion, []);
    by.get(r.modelVersion)!.push(r);
  }
  return [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([version, rs]) => {
      const lab = rs.filter((r) => r.actual !== null);
      const ok = lab.filter((r) => r.actual === r.predicted).length;
      return {
        version,
        rows: rs.length,
        labelled: lab.length,
        accuracy: lab.length && !regression ? round(ok / lab.length) : null,
        firstDate: rs[0].eventTime.slice(0, 10),
        lastDate: rs[rs.length - 1].eventTime.slice(0, 10),
      };
    });
}

/**
 * Reference: the champion's training data — the real (backfilled or ingested) rows whose event time is
 * not after the champion was trained. Window: the rows predicted in the last windowDays days.
 */
function driftReport(
  fg: FeatureGroup,
  table: ReturnType<FeatureGroup['read']>,
  champion: ReturnType<ModelRegistry['requireChampion']>,
  records: PredictionRecord[],
  t: Thresholds,
  regression: boolean,
): DriftReport {
  if (records.length === 0)
    throw new MonitorError(`${fg.spec.name}: no predictions yet, so the drift window is empty`);
  const to = records[records.length - 1].eventTime.slice(0, 10);
  const from = addDays(to, -(t.windowDays - 1));
  const windowIds = new Set(records.filter((r) => r.eventTime.slice(0, 10) >= from).map((r) => r.id));
  const trainedAt = Date.parse(champion.entry.createdAt);
  const ref: number[] = [];
  const win: number[] = [];
  for (let i = 0; i < table.rows; i++) {
    if (windowIds.has(table.ids[i])) win.push(i);
    else if (table.sources[i] !== SOURCE_CODE.synthetic && table.eventTimes[i] <= trainedAt) ref.push(i);
  }
  if (win.length < t.minWindowRows) {
    throw new MonitorError(
      `${fg.spec.name}: the drift window ${from} … ${to} has ${win.length} rows; drift needs at least ${t.minWindowRows}`,
    );
  }
  if (ref.length < t.minWindowRows)
    throw new MonitorError(
      `the reference (champion's training data) has ${ref.length} rows; drift needs at least ${t.minWindowRows}`,
    );
  const columns = (rows: number[]) => table.columns.map((col) => Float64Array.from(rows, (i) => col[i]));
  const { features, share, datasetDrift } = featureDrifts(fg.meta.features, columns(ref), columns(win), t);
  // Prediction drift: the champion's predictions on the reference rows vs the window's predictions.
  const prediction = regression
    ? predictedValueDrift(fg, table, champion, ref, records, windowIds, t)
    : predictedClassDrift(fg, table, champion, ref, records, windowIds, t);
  return {
    reference: {
      rows: ref.length,
      description: `real rows up to champion v${champion.entry.version}'s training time (${champion.entry.createdAt})`,
    },
    window: { from, to, rows: win.length, days: t.windowDays },
    features,
    share: round(share),
    datasetDrift,
    prediction,
  };
}

/** Regression: KS and PSI of the window's predicted values against the champion's on the reference rows. */
function predictedValueDrift(
  fg: FeatureGroup,
  table: FeatureTable,
  champion: Champion,
  ref: number[],
  records: PredictionRecord[],
  windowIds: Set<number>,
  t: Thresholds,
): DriftReport['prediction'] {
  const X = champion.model.matrixFor(fg.meta.features, table.columns, table.rows, ref);
  const p = predictValues(champion.model, X, `${fg.spec.name} champion v${champion.entry.version}`);
  // In the log's precision, as the window's values are.
  const label = { decimals: fg.spec.label.decimals };
  const refValues = Float64Array.from(p.value, (x) => Number(formatPredictedValue(x, label)));
  const winValues = records.filter((r) => windowIds.has(r.id)).map((r) => Number(r.predicted));
  return ksDrift(refValues, winValues, t);
}

/** Classification: chi-square and PSI of the predicted class counts, window vs reference rows. */
function predictedClassDrift(
  fg: FeatureGroup,
  table: FeatureTable,
  champion: Champion,
  ref: number[],
  records: PredictionRecord[],
  windowIds: Set<number>,
  t: Thresholds,
): DriftReport['prediction'] {
  const k = fg.meta.label.classes.length;
  const refPred = champion.model.estimator.predict(
    champion.model.matrixFor(fg.meta.features, table.columns, table.rows, ref),
  );
  const classIndex = new Map(fg.meta.label.classes.map((c, i) => [c.value, i]));
  const winPred = records.filter((r) => windowIds.has(r.id)).map((r) => classIndex.get(r.predicted)!);
  const pa = categoryCounts(refPred, k);
  const pb = categoryCounts(winPred, k);
  const pt = chiSquareTest(pa, pb);
  const pp = round3(pt.pValue);
  const ppsi = round3(psiFromCounts(pa, pb));
  // One test, no family to adjust for; the same two criteria as a feature's.
  return {
    test: 'chi-square',
    statistic: round3(pt.statistic),
    pValue: pp,
    psi: ppsi,
    status: driftStatus(pp, ppsi, t),
    drifted: driftStatus(pp, ppsi, t) === 'drifted',
  };
}

export function writeMonitoring(ws: Workspace, report: MonitoringReport): string {
  const dir = path.join(ws.reportsDir, report.dataset);
  const file = path.join(dir, MONITORING_FILE);
  writeFilesAtomically([{ path: file, content: stableStringifyRows(report) }]);
  if (report.log) removeEarlierManifest(dir);
  return file;
}
