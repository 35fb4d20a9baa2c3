// What a visitor must learn about a dataset, truthfully, before trusting its predictor: how the champion
// does on live rows (with the interval a 30-row window deserves) beside its holdout figure and the
// baseline of guessing; where the rows it is judged on come from; the alert rule and the spec's reason
// for it; what changed in the last week. One place computes these facts from the monitoring file, the
// registry index and the feature group; the home card, the dashboard and the predictor only render them.
// Pure (no file access): the site build reads the files and hands them in.

import { addDays, DAY_MS } from '../../../actions/lib/core/time.js';
import {
  type LiveAccuracy,
  type MonitoringReport,
  ROLLING_DAYS,
} from '../../../actions/lib/monitoring/monitoring-types.js';
import type { RegistryEntry } from '../../../actions/lib/registry/model-registry.js';

/** Where a number lies relative to the live interval. */
export type IntervalSide = 'below' | 'inside' | 'above';

/** Days in "this week": the 7 event-time days ending on the monitoring file's last day. */
export const WEEK_DAYS = 7;

export interface FactsInput {
  task: 'classification' | 'regression';
  /** The registry index (null or no versions: no model yet). */
  registry: { champion: number | null; versions: readonly RegistryEntry[] } | null;
  /** The monitoring file (null before the first daily run). */
  report: MonitoringReport | null;
  /**
   * The feature group's rows: each row's source (a name of feature-table SOURCES) and event time in epoch
   * milliseconds; null before backfill.
   */
  rows: { count: number; source: (i: number) => string; eventTime: (i: number) => number } | null;
  /** The spec's hand-set alert thresholds (absent: the defaults apply). */
  monitoring: { accuracyThreshold?: number; maeMargin?: number };
  /** The spec file's text: the comment that names a threshold's key is the spec's reason for it. */
  specText: string | null;
}

export interface AccuracyFacts {
  /** Over the monitoring window; null without a monitoring file or labelled rows in the window. */
  live: LiveAccuracy | null;
  holdout: number | null;
  holdoutRows: number;
  /** The majority-class share of the champion's holdout: the accuracy of always guessing that class. */
  baseline: number | null;
  /** Where the baseline and the holdout accuracy lie relative to the live 95% interval. */
  baselineSide: IntervalSide | null;
  holdoutSide: IntervalSide | null;
}

export interface ErrorFacts {
  days: number | null;
  labelled: number;
  liveMae: number | null;
  liveRmse: number | null;
  holdoutMae: number | null;
  holdoutRows: number;
  /** The MAE of always predicting the training mean. */
  baselineMae: number | null;
}

export interface AlertRuleFacts {
  kind: 'accuracy' | 'mae';
  /** Accuracy: alert below it; MAE: alert above it. */
  threshold: number;
  /** The figure the rule compares with (rolling 30-day), null while the window is too small. */
  value: number | null;
  active: boolean;
  /** 'spec': set by hand in dataset.yml; 'default': the champion's holdout figure ∓ the default margin. */
  setBy: 'spec' | 'default';
  /** The spec key that sets it, and the holdout figure and margin the default derives from. */
  key: 'accuracyThreshold' | 'maeMargin';
  holdout: number | null;
  margin: number | null;
  championVersion: number | null;
  windowDays: number;
  minWindowRows: number;
  /** The spec's own words about this threshold (its comment naming the key), or null. */
  reason: string | null;
}

export interface ChampionChange {
  version: number;
  /** When the champion was registered (UTC ISO-8601). */
  createdAt: string;
  /** The registry's decision text: what the gate compared. */
  decision: string;
  /** The champion before it (the retired version registered last), or null for a first model. */
  previous: { version: number; createdAt: string } | null;
  metric: 'accuracy' | 'mae';
  value: number | null;
  previousValue: number | null;
  /** value − previousValue; null when either is unknown. */
  delta: number | null;
}

export interface NewAlert {
  kind: string;
  /** The first day of the alert's current run of days (event-time date), null when unknown (drift keeps no history). */
  since: string | null;
  /** Whether `since` falls in this week. */
  thisWeek: boolean;
}

export interface SiteFacts {
  task: 'classification' | 'regression';
  accuracy: AccuracyFacts | null;
  error: ErrorFacts | null;
  /** Feature group rows by source (backfill: the real source file; synthetic: generated; ingest: real rows ingested). */
  groupRows: { backfill: number; synthetic: number; ingest: number } | null;
  /** Predictions of the monitoring log by the source of their rows. */
  predicted: { synthetic: number; ingest: number } | null;
  alertRule: AlertRuleFacts | null;
  week: {
    from: string;
    to: string;
    /** Feature group rows whose event time falls in the week, by source. */
    rowsAdded: { synthetic: number; ingest: number };
    /** Predictions the daily made for the week's days. */
    predicted: number;
    /** Active alerts; thisWeek tells whether each began within the week. */
    alerts: NewAlert[];
  } | null;
  champion: ChampionChange | null;
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function sideOf(x: number | null, low: number | null, high: number | null): IntervalSide | null {
  if (x === null || low === null || high === null) return null;
  return x < low ? 'below' : x > high ? 'above' : 'inside';
}

function championEntry(input: FactsInput): RegistryEntry | null {
  const r = input.registry;
  if (!r || r.champion === null) return null;
  return r.versions.find((v) => v.version === r.champion) ?? null;
}

function accuracyFacts(input: FactsInput, entry: RegistryEntry | null): AccuracyFacts {
  const h = (entry?.holdout ?? {}) as { accuracy?: unknown; baselineAccuracy?: unknown; rows?: unknown };
  const r = input.report;
  const live = r && r.live.accuracy !== null ? r.live : null;
  const holdout = isNum(h.accuracy) ? h.accuracy : (r?.champion?.holdoutAccuracy ?? null);
  // The monitoring file carries the baseline also for champions whose registry entry predates it.
  const baseline = isNum(h.baselineAccuracy) ? h.baselineAccuracy : (r?.champion?.holdoutBaseline ?? null);
  return {
    live,
    holdout,
    holdoutRows: isNum(h.rows) ? h.rows : 0,
    baseline,
    baselineSide: sideOf(baseline, live?.low ?? null, live?.high ?? null),
    holdoutSide: sideOf(holdout, live?.low ?? null, live?.high ?? null),
  };
}

function errorFacts(input: FactsInput, entry: RegistryEntry | null): ErrorFacts {
  const h = (entry?.holdout ?? {}) as { mae?: unknown; baselineMae?: unknown; rows?: unknown };
  const live = input.report?.regression?.live ?? null;
  return {
    days: live?.days ?? null,
    labelled: live?.labelled ?? 0,
    liveMae: live?.mae ?? null,
    liveRmse: live?.rmse ?? null,
    holdoutMae: isNum(h.mae) ? h.mae : null,
    holdoutRows: isNum(h.rows) ? h.rows : 0,
    baselineMae: isNum(h.baselineMae) ? h.baselineMae : null,
  };
}

/**
 * The spec's comment about a key: the block of whole-line comments (or the trailing comment of the line)
 * that names it. A hand-set threshold should say why; a comment that says why the default stands counts too.
 */
export function specReason(specText: string | null, key: string): string | null {
  if (specText === null) return null;
  const lines = specText.split(/\r?\n/);
  const comment = (line: string) => /^\s*#/.test(line);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.includes(key)) continue;
    if (comment(line)) {
      let from = i;
      let to = i;
      while (from > 0 && comment(lines[from - 1])) from--;
      while (to + 1 < lines.length && comment(lines[to + 1])) to++;
      return lines
        .slice(from, to + 1)
        .map((l) => l.replace(/^\s*#\s?/, '').trim())
        .filter((l) => l !== '' && !l.startsWith('yaml-language-server:'))
        .join(' ');
    }
    const trailing = /\s#\s*(.+)$/.exec(line);
    if (trailing && new RegExp(`^\\s*${key}\\s*:`).test(line)) return trailing[1].trim();
  }
  return null;
}

function alertRule(input: FactsInput): AlertRuleFacts | null {
  const r = input.report;
  if (!r) return null;
  const kind = input.task === 'regression' ? 'mae' : 'accuracy';
  const alert = r.alerts.find((a) => a.kind === kind);
  const t = r.thresholds;
  const threshold = kind === 'mae' ? t.mae : t.accuracy;
  if (!alert || !isNum(threshold)) return null;
  const key = kind === 'mae' ? 'maeMargin' : 'accuracyThreshold';
  const setBy = input.monitoring[key] !== undefined ? 'spec' : 'default';
  // Classification: threshold = holdout − margin; regression: threshold = holdout MAE + maeMargin.
  const holdout =
    kind === 'mae'
      ? isNum(t.maeMargin)
        ? threshold - t.maeMargin
        : null
      : (r.champion?.holdoutAccuracy ?? null);
  const margin =
    kind === 'mae'
      ? (t.maeMargin ?? null)
      : holdout === null
        ? null
        : Math.round((holdout - threshold) * 1e4) / 1e4;
  return {
    kind,
    threshold,
    value: alert.value,
    active: alert.active,
    setBy,
    key,
    holdout,
    margin,
    championVersion: r.champion?.version ?? null,
    windowDays: t.windowDays,
    minWindowRows: t.minWindowRows,
    reason: specReason(input.specText, key),
  };
}

/**
 * Whether each day's rolling 30-day figure broke today's rule (over at least minWindowRows labelled rows),
 * by date: the days before the threshold last changed are judged by today's threshold too.
 */
function brokenDays(r: MonitoringReport, rule: AlertRuleFacts): Map<string, boolean> {
  const days: { date: string; labelled: number; value: number | null }[] =
    rule.kind === 'mae'
      ? (r.regression?.daily ?? []).map((d) => ({
          date: d.date,
          labelled: d.labelled,
          value: d.rolling30Mae,
        }))
      : r.daily.map((d) => ({ date: d.date, labelled: d.labelled, value: d.rolling30 }));
  const out = new Map<string, boolean>();
  for (const d of days) {
    const since = addDays(d.date, -(ROLLING_DAYS - 1));
    const labelled = days
      .filter((e) => e.date >= since && e.date <= d.date)
      .reduce((n, e) => n + e.labelled, 0);
    const ok = labelled >= rule.minWindowRows && d.value !== null;
    out.set(d.date, ok && (rule.kind === 'mae' ? d.value! > rule.threshold : d.value! < rule.threshold));
  }
  return out;
}

/** The active alerts, each with the first day of its current run (when the file can tell). */
function activeAlerts(r: MonitoringReport, rule: AlertRuleFacts | null, from: string): NewAlert[] {
  const out: NewAlert[] = [];
  for (const a of r.alerts) {
    if (!a.active) continue;
    let since: string | null = null;
    if (rule && a.kind === rule.kind) {
      const broken = brokenDays(r, rule);
      const dates = [...broken.keys()].sort();
      for (let i = dates.length - 1; i >= 0 && broken.get(dates[i]); i--) since = dates[i];
    }
    out.push({ kind: a.kind, since, thisWeek: since !== null && since >= from });
  }
  return out;
}

function weekFacts(input: FactsInput, rule: AlertRuleFacts | null): SiteFacts['week'] {
  const r = input.report;
  if (!r?.asOf) return null;
  const to = r.asOf.slice(0, 10);
  const from = addDays(to, -(WEEK_DAYS - 1));
  const rowsAdded = { synthetic: 0, ingest: 0 };
  const g = input.rows;
  if (g) {
    const lo = Date.parse(`${from}T00:00:00Z`);
    const hi = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
    for (let i = 0; i < g.count; i++) {
      const s = g.source(i);
      const t = g.eventTime(i);
      if ((s === 'synthetic' || s === 'ingest') && t >= lo && t < hi) rowsAdded[s]++;
    }
  }
  const daily = input.task === 'regression' ? (r.regression?.daily ?? []) : r.daily;
  const predicted = daily.filter((d) => d.date >= from && d.date <= to).reduce((n, d) => n + d.rows, 0);
  return { from, to, rowsAdded, predicted, alerts: activeAlerts(r, rule, from) };
}

/** The retired version registered last: the champion before the current one. */
function previousChampion(input: FactsInput, entry: RegistryEntry): RegistryEntry | null {
  let best: RegistryEntry | null = null;
  for (const v of input.registry?.versions ?? []) {
    if (v.status !== 'retired' || v.version === entry.version) continue;
    if (
      best === null ||
      v.createdAt > best.createdAt ||
      (v.createdAt === best.createdAt && v.version > best.version)
    )
      best = v;
  }
  return best;
}

function championChange(input: FactsInput, entry: RegistryEntry | null): ChampionChange | null {
  if (!entry) return null;
  const metric = input.task === 'regression' ? 'mae' : 'accuracy';
  const holdoutOf = (e: RegistryEntry) => {
    const x = (e.holdout as unknown as Record<string, unknown>)[metric];
    return isNum(x) ? x : null;
  };
  const prev = previousChampion(input, entry);
  const value = holdoutOf(entry);
  const previousValue = prev ? holdoutOf(prev) : null;
  return {
    version: entry.version,
    createdAt: entry.createdAt,
    decision: entry.decision,
    previous: prev ? { version: prev.version, createdAt: prev.createdAt } : null,
    metric,
    value,
    previousValue,
    delta: value !== null && previousValue !== null ? value - previousValue : null,
  };
}

function groupRows(input: FactsInput): SiteFacts['groupRows'] {
  const g = input.rows;
  if (!g) return null;
  const out = { backfill: 0, synthetic: 0, ingest: 0 };
  for (let i = 0; i < g.count; i++) {
    const s = g.source(i);
    if (s === 'backfill' || s === 'synthetic' || s === 'ingest') out[s]++;
  }
  return out;
}

export function siteFacts(input: FactsInput): SiteFacts {
  const entry = championEntry(input);
  const rule = alertRule(input);
  return {
    task: input.task,
    accuracy: input.task === 'classification' ? accuracyFacts(input, entry) : null,
    error: input.task === 'regression' ? errorFacts(input, entry) : null,
    groupRows: groupRows(input),
    predicted: input.report ? { ...input.report.totals.bySource } : null,
    alertRule: rule,
    week: weekFacts(input, rule),
    champion: championChange(input, entry),
  };
}
