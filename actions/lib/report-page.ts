// The repository dashboard: reports/<dataset>/README.md, which GitHub renders next to the chart SVGs.
// Platform-neutral string building. Every string from the report is escaped, so a class label such as
// `<b>x</b> | y` shows as typed instead of becoming HTML or breaking a table.
import { classLabel, grouped, outcomeMark, percent, pValueText, shortTime } from './charts.js';
import type { MonitoringReport, PredictionRecord } from './monitoring-types.js';

export interface ReportImage {
  id: string;
  /** Path relative to the README, e.g. charts/drift.svg. */
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

function driftSection(r: MonitoringReport): string[] {
  const d = r.drift;
  if (d === null)
    return [`Drift was not computed: ${mdText((r.driftSkipped ?? 'no drift report').replace(/\.$/, ''))}.`];
  const yes = (b: boolean) => (b ? '⚠️ yes' : 'no');
  const row = (
    name: string,
    type: string,
    test: string,
    s: number,
    p: number,
    psi: number,
    drifted: boolean,
  ) => [name, type, test, s.toFixed(4), pValueText(p), psi.toFixed(3), yes(drifted)];
  return [
    `Window ${d.window.from} – ${d.window.to} (${grouped(d.window.rows)} rows, ${d.window.days} days) against ` +
      `${mdText(d.reference.description)} (${grouped(d.reference.rows)} rows). ` +
      `Dataset drift: **${d.datasetDrift ? 'yes' : 'no'}** — ${percent(d.share)} of features drifted ` +
      `(threshold ${percent(r.thresholds.datasetShare, 0)}).`,
    '',
    ...table(
      ['feature', 'type', 'test', 'statistic', 'p-value', 'PSI', 'drifted'],
      [
        ...d.features.map((f) =>
          row(mdText(f.title), f.type, f.test, f.statistic, f.pValue, f.psi, f.drifted),
        ),
        row(
          '*predicted class*',
          'output',
          d.prediction.test,
          d.prediction.statistic,
          d.prediction.pValue,
          d.prediction.psi,
          d.prediction.drifted,
        ),
      ],
    ),
  ];
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
  for (const img of images) {
    const alt = mdText(img.description);
    lines.push('', `### ${mdText(img.title)}`, '', `![${alt}](${linkTarget(img.file)})`);
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
