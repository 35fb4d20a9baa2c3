// The repository dashboard: reports/<dataset>/README.md, which GitHub renders next to the chart SVGs.
// Platform-neutral string building. Every string from the report is escaped, so a class label such as
// `<b>x</b> | y` shows as typed instead of becoming HTML or breaking a table.
import { classLabel, grouped, outcomeMark, percent, shortTime } from './charts.js';
import type { MonitoringReport, PredictionRecord } from './monitoring-types.js';

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

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

const cls = (r: MonitoringReport, value: string) => mdText(classLabel(r, value));

function latestLine(r: MonitoringReport, p: PredictionRecord): string {
  const actual =
    p.actual === null ? 'actual: waiting for label' : `actual **${cls(r, p.actual)}** ${outcomeMark(p)}`;
  return (
    `Prediction #${p.id} for ${shortTime(p.eventTime)} UTC by model v${p.modelVersion}: ` +
    `predicted **${cls(r, p.predicted)}** (p = ${p.probability.toFixed(2)}), ${actual}`
  );
}

function alertLines(r: MonitoringReport): string[] {
  const active = r.alerts.filter((a) => a.active);
  if (active.length === 0) return ['✅ No active alerts.'];
  return active.map(
    (a) => `> ⚠️ **${a.kind === 'accuracy' ? 'Accuracy' : 'Dataset drift'}:** ${mdText(a.message)}`,
  );
}

/**
 * The drift summary; the per-feature numbers are in the drift chart (PSI bars, test p-values) and in
 * monitoring.json, so a table here would only repeat them and rewrite the page every day.
 */
function driftSection(r: MonitoringReport): string[] {
  const d = r.drift;
  if (d === null)
    return [`Drift was not computed: ${mdText((r.driftSkipped ?? 'no drift report').replace(/\.$/, ''))}.`];
  const drifted = d.features.filter((f) => f.drifted).map((f) => mdText(f.title));
  return [
    `The last ${d.window.days} days against ${mdText(d.reference.description)}. ` +
      `Dataset drift: **${d.datasetDrift ? 'yes' : 'no'}** — ${drifted.length} of ${d.features.length} features ` +
      `drifted${drifted.length ? ` (${drifted.join(', ')})` : ''}; threshold ${percent(r.thresholds.datasetShare, 0)}. ` +
      `Predicted class drift: **${d.prediction.drifted ? 'yes' : 'no'}**. Per-feature tests and PSI: the drift chart above ` +
      'and [monitoring.json](monitoring.json).',
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
    case 'accuracy-over-time':
      return `Daily accuracy of ${title} predictions with rolling 7-day and 30-day accuracy, the alert threshold and model-version markers.`;
    case 'confusion-recent':
      return `Confusion matrix of the last ${days} days: actual class in rows, predicted class in columns. Classes: ${classes}.`;
    case 'confusion-all':
      return `Confusion matrix over all time: actual class in rows, predicted class in columns. Classes: ${classes}.`;
    case 'drift':
      return `Population stability index of each feature and of the predicted class over the last ${r.thresholds.windowDays} days against the champion's training data, with each test's p-value.`;
    case 'class-mix':
      return `Share of each predicted class per day. Classes: ${classes}.`;
    case 'rows-per-day':
      return 'Predictions per day, split into rows with a label and rows waiting for one.';
    case 'version-accuracy':
      return 'Accuracy of each model version on its labelled predictions.';
    default:
      return img.title;
  }
}

export function reportMarkdown(r: MonitoringReport, images: readonly ReportImage[]): string {
  const lines: string[] = [
    `# ${mdText(r.title)} — monitoring`,
    '',
    '<!-- Generated from monitoring.json by the monitor step; edits are overwritten. -->',
    '',
  ];
  lines.push(
    r.champion === null
      ? '**Champion:** none yet.'
      : `**Champion:** v${r.champion.version} (${mdText(r.champion.algorithm)}), ` +
          `holdout accuracy ${percent(r.champion.holdoutAccuracy)}.`,
  );
  lines.push(
    '',
    (r.asOf === null ? 'No predictions yet.' : `Data up to ${shortTime(r.asOf)} UTC.`) +
      ' All figures: [monitoring.json](monitoring.json).',
  );
  lines.push('', '## Alerts', '', ...alertLines(r));

  lines.push(
    '',
    '## Latest prediction',
    '',
    r.latest === null ? 'No predictions yet.' : latestLine(r, r.latest),
  );

  const t = r.totals;
  lines.push(
    '',
    '## Totals',
    '',
    ...table(
      ['predictions', 'labelled', 'waiting for label', 'correct', 'accuracy'],
      [
        [
          grouped(t.predictions),
          grouped(t.labelled),
          grouped(t.predictions - t.labelled),
          grouped(t.correct),
          percent(t.accuracy),
        ],
      ],
    ),
  );

  lines.push('', '## Charts');
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

  lines.push('', '## Recent predictions', '');
  if (r.recent.length === 0) lines.push('No predictions yet.');
  else
    lines.push(
      ...table(
        ['id', 'event time (UTC)', 'model', 'predicted', 'probability', 'actual', ''],
        [...r.recent]
          .reverse()
          .map((p) => [
            String(p.id),
            shortTime(p.eventTime),
            `v${p.modelVersion}`,
            cls(r, p.predicted),
            p.probability.toFixed(2),
            p.actual === null ? '*waiting*' : cls(r, p.actual),
            outcomeMark(p),
          ]),
      ),
    );

  lines.push('', '## Drift', '', ...driftSection(r));

  lines.push('', '## Model versions', '');
  if (r.byVersion.length === 0) lines.push('No predictions yet.');
  else
    lines.push(
      ...table(
        ['version', 'rows', 'labelled', 'accuracy', 'first day', 'last day'],
        r.byVersion.map((v) => [
          r.champion?.version === v.version ? `**v${v.version}** (champion)` : `v${v.version}`,
          grouped(v.rows),
          grouped(v.labelled),
          percent(v.accuracy),
          v.firstDate,
          v.lastDate,
        ]),
      ),
    );

  const th = r.thresholds;
  lines.push(
    '',
    '## Thresholds',
    '',
    `Accuracy alert when the rolling 7-day accuracy falls below ${percent(th.accuracy)}. ` +
      `A feature drifts when p < ${th.pValue} or PSI > ${th.psi}, over the last ${th.windowDays} days ` +
      `(at least ${grouped(th.minWindowRows)} rows); dataset drift when ${percent(th.datasetShare, 0)} of features drift.`,
    '',
  );
  return lines.join('\n');
}
