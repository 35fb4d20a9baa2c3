// The repository dashboard: reports/<dataset>/README.md, which GitHub renders next to the chart SVGs.
// Pure string building. Every string from the report is escaped, so a class label such as
// `<b>x</b> | y` shows as typed instead of becoming HTML or breaking a table.

import { valueWithUnit } from '../charts/regression-values.js';
import { grouped, percent } from '../core/format.js';
import { formatNumber } from '../core/json.js';
import { driftRuleText } from '../monitoring/drift-decision.js';
import type { MonitoringReport } from '../monitoring/monitoring-types.js';
import {
  backfillCommands,
  DEFAULT_MAX_DAYS,
  rangeText,
  STALE_AFTER_HOURS,
} from '../pipelines/daily-schedule.js';

export interface ReportImage {
  id: string;
  /** Path relative to the README, e.g. drift.svg. */
  file: string;
  title: string;
  description: string;
}

/** Escapes text for markdown anywhere on the page, tables included: HTML and markdown syntax become literal. */
export function mdText(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|#~]/g, (c) => `\\${c}`);
}

/** A relative link target: every path segment percent-encoded. */
function linkTarget(file: string): string {
  return file
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/');
}

/**
 * Active alerts in words that hold while the alert does: the day's value is in the dashboard and
 * monitoring.json, so the page changes when an alert starts or stops, not every day it lasts.
 */
function alertLines(r: MonitoringReport): string[] {
  const active = r.alerts.filter((a) => a.active);
  if (active.length === 0) return ['✅ No active alerts.'];
  const th = r.thresholds;
  return active.map((a) =>
    a.kind === 'accuracy'
      ? `> ⚠️ **Accuracy:** the rolling 30-day accuracy is below the alert threshold ${percent(th.accuracy ?? null)}.`
      : a.kind === 'mae'
        ? `> ⚠️ **MAE:** the rolling 30-day MAE is above the alert threshold ${mdText(valueWithUnit(r, th.mae ?? null, 1))}.`
        : `> ⚠️ **Dataset drift:** at least one feature drifted over the last ${th.windowDays} days (${driftRuleText(th)}).`,
  );
}

/**
 * Where the last daily run is and what its age means, in words that stay true from day to day (the page
 * changes only when what it says changes): the date itself is drawn at the top of the dashboard, which
 * changes with every run anyway. Then the days the daily missed and did not make good, with the fix.
 */
function dailyRunLines(r: MonitoringReport): string[] {
  const lines = [
    'The time of the last daily run is the first line of the dashboard below ("Last daily run"). ' +
      `Each run also makes good the days missed since the one before (by default up to ${DEFAULT_MAX_DAYS} days at once). ` +
      `If the last daily run is more than ${STALE_AFTER_HOURS} hours ago, the schedule may be disabled ` +
      '(in a public repository GitHub disables scheduled workflows after 60 days without activity): open the ' +
      "repository's Actions tab, select the **daily** workflow, enable it if GitHub says it is disabled, " +
      'and run it with **Run workflow** to catch up.',
  ];
  const missing = r.missingDays ?? [];
  if (missing.length === 0) return lines;
  lines.push(
    '',
    `> ⚠️ **Days not made good:** these days have no generated rows, because more than the daily's ` +
      'catch-up bound were missing at once. Backfill each range with the command shown (CLI, then commit) ' +
      'or by running the daily workflow with the same date and days:',
    '',
  );
  for (const range of missing) {
    const fix = backfillCommands(r.dataset, range);
    lines.push(`- ${rangeText(range)}: \`${fix.cli}\` or \`${fix.dispatch}\``);
  }
  return lines;
}

/**
 * What the live figures are measured on, in words that hold every day (the counts are in the dashboard's
 * first panel): a visitor must not read accuracy on generated rows as accuracy on new real data.
 */
function sourceLines(r: MonitoringReport): string[] {
  if (r.task === 'regression')
    return [
      'The daily rows are **synthetic**: each day the generator, fitted to the real (backfilled and ingested) ' +
        'rows, draws new rows with their labels. Live errors are measured on these rows, so they tell how the ' +
        "champion does on the generator's rows, not on new real data; rows added with `ingest` are real. " +
        "The dashboard's first panel counts both kinds and gives the live MAE, RMSE and share within each " +
        'tolerance of the last days beside the holdout MAE and the MAE of predicting the training mean.',
    ];
  return [
    'The daily rows are **synthetic**: each day the generator, fitted to the real (backfilled and ingested) ' +
      'rows, draws new rows with their labels. Live accuracy is measured on these rows, so it tells how the ' +
      "champion does on the generator's rows, not on new real data; rows added with `ingest` are real. " +
      "The dashboard's first panel counts both kinds and gives the live accuracy of the last days with its " +
      '95% interval beside the holdout accuracy and the majority-class baseline.',
  ];
}

/**
 * Alt text of a chart on the page: what the chart shows, without the day's numbers (the page's tables
 * carry those), so the page does not change just because a chart got one more day.
 */
export function chartAlt(r: MonitoringReport, img: ReportImage): string {
  const title = r.title;
  const classes = r.classes.map((c) => c.label).join(', ');
  const days = r.confusion.recentDays;
  switch (img.id) {
    case 'latest':
      if (r.task === 'regression')
        return 'The latest prediction with its interval, actual value and error, the all-time totals of predictions and labels, and the live MAE, RMSE and share within each tolerance beside the holdout MAE and the mean baseline.';
      return 'The latest prediction with its actual class, the all-time totals of predictions, labels and accuracy, and the live accuracy with its interval beside the holdout and the majority-class baseline.';
    case 'accuracy-over-time':
      return `Daily accuracy of ${title} predictions with rolling 7-day and 30-day accuracy, the alert threshold and model-version markers.`;
    case 'confusion-recent':
      return `Confusion matrix of the last ${days} days: actual class in rows, predicted class in columns. Classes: ${classes}.`;
    case 'confusion-all':
      return `Confusion matrix over all time: actual class in rows, predicted class in columns. Classes: ${classes}.`;
    case 'drift':
      if (r.task === 'regression')
        return `Population stability index of each feature, of the predicted value and of the errors against the holdout errors over the last ${r.thresholds.windowDays} days against the champion's training data, coloured by the drift decision, with each test's p-value.`;
      return `Population stability index of each feature and of the predicted class over the last ${r.thresholds.windowDays} days against the champion's training data, coloured by the drift decision, with each test's adjusted p-value.`;
    case 'class-mix':
      return `Share of each predicted class per day. Classes: ${classes}.`;
    case 'rows-per-day':
      return 'Predictions per day, split into rows with a label and rows waiting for one.';
    case 'version-accuracy':
      return 'Accuracy of each model version on its labelled predictions.';
    case 'error-over-time':
      return `Daily mean absolute error of ${title} predictions with rolling 7-day and 30-day MAE, rolling 30-day RMSE, the alert threshold and model-version markers.`;
    case 'predicted-vs-actual':
      return `Predicted against actual values of the newest labelled predictions of the last ${r.thresholds.windowDays} days, with the line where they are equal.`;
    case 'error-histogram':
      return `Histogram of the errors (predicted minus actual) over the last ${r.thresholds.windowDays} days.`;
    case 'version-error':
      return 'Mean absolute error of each model version on its labelled predictions.';
    default:
      return img.title;
  }
}

/**
 * The page changes only when what it says changes: the champion, an alert starting or stopping, the month
 * of the prediction log, the thresholds. The day's numbers are drawn in dashboard.svg and written in
 * monitoring.json; a page that repeated them would add a changed file to every daily commit.
 */
export function reportMarkdown(
  r: MonitoringReport,
  images: readonly ReportImage[],
  logFile: string | null,
): string {
  const lines: string[] = [
    `# ${mdText(r.title)} — monitoring`,
    '',
    '<!-- Generated from monitoring.json by the monitor step; edits are overwritten. -->',
    '',
  ];
  lines.push(
    r.champion === null
      ? '**Champion:** none yet.'
      : r.task === 'regression'
        ? `**Champion:** v${r.champion.version} (${mdText(r.champion.algorithm)}), predicting ` +
          `${mdText(r.label?.title ?? 'the label')} on its holdout as the table below shows.`
        : `**Champion:** v${r.champion.version} (${mdText(r.champion.algorithm)}), ` +
          `holdout accuracy ${percent(r.champion.holdoutAccuracy)}` +
          (r.champion.holdoutBaseline === null
            ? '.'
            : `; always guessing the most common class scores ${percent(r.champion.holdoutBaseline)} ` +
              '(the majority-class baseline).'),
  );
  if (r.task === 'regression' && r.champion) lines.push(...holdoutLines(r));
  lines.push('', '## Where the rows come from', '', ...sourceLines(r));
  lines.push('', '## Alerts', '', ...alertLines(r));
  lines.push('', '## Daily runs', '', ...dailyRunLines(r));

  lines.push('', '## Dashboard');
  // Charts rendered into one file (the stacked dashboard SVG) are one image whose alt text names each.
  const files = [...new Set(images.map((img) => img.file))];
  for (const file of files) {
    const group = images.filter((img) => img.file === file);
    if (group.length === 1) {
      const img = group[0];
      lines.push('', `### ${mdText(img.title)}`, '', `![${mdText(chartAlt(r, img))}](${linkTarget(file)})`);
    } else {
      lines.push('', `${group.map((img) => mdText(img.title)).join(' · ')}.`);
      const alt = group.map((img) => `${img.title}: ${chartAlt(r, img)}`).join(' ');
      lines.push('', `![${mdText(alt)}](${linkTarget(file)})`);
    }
  }

  lines.push('', '## Data', '');
  lines.push(
    logFile === null
      ? '- Prediction log: no predictions yet.'
      : `- Prediction log: [${mdText(logFile)}](${linkTarget(logFile)}) holds this month's predictions, newest last ` +
          '(GitHub shows it as a table); earlier months are the other `predictions-*.csv` files. Their row ' +
          'counts and checksums are the `log` entry of monitoring.json.',
    `- Every figure, recomputed on each run: [monitoring.json](monitoring.json) — totals, the last ` +
      `${r.thresholds.recentRows} predictions, ` +
      (r.task === 'regression'
        ? 'daily and rolling MAE and RMSE, MAE per model version, the predicted-vs-actual sample, the error ' +
          'histogram, drift tests (features, predicted value, errors against the holdout errors) and the alerts.'
        : 'daily and rolling accuracy, accuracy per model version, confusion matrices, per-feature drift tests and the alerts.'),
  );

  const th = r.thresholds;
  const alertRule =
    r.task === 'regression'
      ? `MAE alert when the rolling 30-day MAE (over at least ${grouped(th.minWindowRows)} labelled rows) rises ` +
        `above ${mdText(valueWithUnit(r, th.mae ?? null, 1))}: the champion's holdout MAE plus a margin of ` +
        `${mdText(valueWithUnit(r, th.maeMargin ?? null, 1))} (monitoring.maeMargin in dataset.yml; by default 25% of the holdout MAE). `
      : `Accuracy alert when the rolling 30-day accuracy (over at least ${grouped(th.minWindowRows)} labelled rows) ` +
        `falls below ${percent(th.accuracy ?? null)}. `;
  const outputDrift =
    r.task === 'regression'
      ? "The predicted value is tested the same way (KS), and so are the window's errors against the champion's " +
        'errors on its holdout rows (residual drift: the model got worse where the features did not move). '
      : '';
  lines.push(
    '',
    '## Thresholds',
    '',
    alertRule +
      `Drift compares the last ${th.windowDays} days (at least ${grouped(th.minWindowRows)} rows) with the champion's ` +
      'training data. Each feature is tested (Kolmogorov–Smirnov with exact p-values up to 10,000 rows a side, ' +
      'as scipy computes them; chi-square for categories, a value the training data never had counting as new) ' +
      `and its population stability index (PSI) measures how large the change is. ${capitalised(driftRuleText(th))}. ` +
      outputDrift +
      `The adjustment keeps the expected share of false alarms among the flagged features at ${th.pValue}, and the ` +
      `chance that an unchanged stream raises dataset drift at most ${th.pValue}; the PSI threshold keeps a large ` +
      'window from flagging changes too small to matter. In the drift chart the bar is the PSI and its colour the ' +
      'decision: red drifted; orange a PSI above the threshold that the test cannot tell from the noise of a small ' +
      'window; blue a significant change with a small PSI; grey stable.',
    '',
  );
  return lines.join('\n');
}

/**
 * The regression champion's holdout figures beside the baseline of predicting the training mean: fixed
 * for a champion, so the page changes only when the champion does.
 */
function holdoutLines(r: MonitoringReport): string[] {
  const c = r.champion!;
  const v = (x: number | null | undefined) => mdText(valueWithUnit(r, x ?? null, 1));
  const lines = [
    '',
    '| holdout | champion | predicting the training mean |',
    '| --- | --- | --- |',
    `| MAE | ${v(c.holdoutMae)} | ${v(c.holdoutBaselineMae)} |`,
    `| RMSE | ${v(c.holdoutRmse)} | – |`,
    `| R² | ${c.holdoutR2 == null ? '–' : formatNumber(c.holdoutR2, 3)} | 0 (by definition, on the training rows) |`,
  ];
  for (const w of c.holdoutWithin ?? [])
    lines.push(
      `| within ±${mdText(r.label?.unit ? `${formatNumber(w.tolerance)} ${r.label.unit}` : formatNumber(w.tolerance))} | ${percent(w.accuracy)} | – |`,
    );
  return lines;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
