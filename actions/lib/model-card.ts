// The model card: a readable markdown page per model version with its full lineage and metrics.
// Platform-neutral.
import type { Metrics } from './metrics.js';
import type { FeatureSchema } from './spec.js';
import type { CvResult } from './training.js';
import { describe } from './training.js';

export interface Lineage {
  dataset: string;
  version: number;
  algorithm: string;
  params: Record<string, number | string | boolean>;
  trainedAt: string;
  codeVersion: string;
  featureGroup: { version: number; path: string; asOf: string };
  gitCommit: string | null;
  dataHash: string;
  configHash: string;
  rows: {
    eligible: number;
    train: number;
    test: number;
    bySource: Record<string, number>;
    /** Training rows whose features equal an earlier training row's. */
    duplicateTrain: number;
    /** Holdout rows whose features equal a training row's (0: the splits keep identical rows together). */
    holdoutOverlap: number;
  };
  split: { kind: string; seed: number; testFraction: number; folds: number };
  status: string;
  decision: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const f4 = (x: number) => x.toFixed(4);

export function modelCard(
  l: Lineage,
  p: {
    holdout: Metrics;
    cv: CvResult[];
    chosen: CvResult;
    correlations: Record<string, number>;
    features: FeatureSchema[];
    classes: string[];
    inputExample: Record<string, string>;
    importances?: Record<string, number>;
    champion?: {
      version: number;
      macroF1: number;
      accuracy: number;
      challengerMacroF1: number;
      challengerAccuracy: number;
      rows: number;
    } | null;
  },
): string {
  const lines: string[] = [];
  const row = (...cells: (string | number)[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(`# ${l.dataset} model v${l.version} — ${l.algorithm}`, '');
  lines.push(`**Status:** ${l.status}. ${l.decision}`, '');
  lines.push(
    `Holdout accuracy **${pct(p.holdout.accuracy)}** (macro-F1 ${f4(p.holdout.macro.f1)}) on ${p.holdout.rows} rows; majority-class baseline ${pct(p.holdout.baselineAccuracy)}.`,
    '',
  );
  lines.push('## Lineage', '', '| | |', '|---|---|');
  row('trained at (UTC)', l.trainedAt);
  row('code version', l.codeVersion);
  row('feature group', `${l.featureGroup.path} (v${l.featureGroup.version}, ${l.featureGroup.asOf})`);
  row('git commit of the data', l.gitCommit ?? 'not a git checkout');
  row('training data hash (sha256)', `\`${l.dataHash}\``);
  row('training config hash', `\`${l.configHash}\``);
  row(
    'rows',
    `${l.rows.eligible} eligible (${Object.entries(l.rows.bySource)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}): ${l.rows.train} train, ${l.rows.test} holdout`,
  );
  row(
    'duplicate rows in the training data',
    `${l.rows.duplicateTrain} (rows whose features equal an earlier training row's)`,
  );
  row(
    'train–holdout overlap',
    `${l.rows.holdoutOverlap} holdout rows with features equal to a training row's`,
  );
  row(
    'split',
    `${l.split.kind}, ${pct(l.split.testFraction)} holdout, seed ${l.split.seed}; ${l.split.folds}-fold cross-validation; identical feature rows (content hash of the cleaned features) are never split across holdout or folds`,
  );
  row(
    'algorithm',
    `${l.algorithm} ${Object.entries(l.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  lines.push(
    '',
    '## Input schema',
    '',
    '| feature | type | unit | valid values | Pearson r with label |',
    '|---|---|---|---|---|',
  );
  for (const f of p.features) {
    const valid =
      f.type === 'numeric'
        ? `${f.range?.[0]} – ${f.range?.[1]}`
        : (f.categories ?? []).map((c) => `${c.value} (${c.label})`).join(', ');
    row(`${f.name} — ${f.title}`, f.type, f.unit ?? '', valid, p.correlations[f.name] ?? '');
  }
  const dropped = Object.keys(p.correlations).filter((n) => !p.features.some((f) => f.name === n));
  if (dropped.length)
    lines.push(
      '',
      `Not selected (|r| < ${p.chosen.minAbsCorrelation}): ${dropped.map((n) => `${n} (r = ${p.correlations[n]})`).join(', ')}.`,
    );
  lines.push(
    '',
    '**Input example** (JSON, as the predictor and `gitml predict` take it):',
    '',
    '```json',
    JSON.stringify(p.inputExample),
    '```',
  );
  lines.push(
    '',
    '## Holdout metrics',
    '',
    '| class | precision | recall | F1 | support |',
    '|---|---|---|---|---|',
  );
  for (const [name, m] of Object.entries(p.holdout.perClass))
    row(name, f4(m.precision), f4(m.recall), f4(m.f1), m.support);
  row(
    '**macro avg**',
    f4(p.holdout.macro.precision),
    f4(p.holdout.macro.recall),
    f4(p.holdout.macro.f1),
    p.holdout.rows,
  );
  row(
    '**weighted avg**',
    f4(p.holdout.weighted.precision),
    f4(p.holdout.weighted.recall),
    f4(p.holdout.weighted.f1),
    p.holdout.rows,
  );
  const absent = p.classes.filter((c) => !p.holdout.macroClasses.includes(c));
  lines.push(
    '',
    `Macro averages are over the ${p.holdout.macroClasses.length} classes present in the holdout's truth or predictions (scikit-learn's convention)${absent.length ? `; absent from both: ${absent.join(', ')}` : ''}.`,
  );
  lines.push(
    '',
    'Confusion matrix (rows: actual, columns: predicted):',
    '',
    `| | ${p.classes.join(' | ')} |`,
    `|---|${p.classes.map(() => '---').join('|')}|`,
  );
  p.holdout.confusion.forEach((r, i) => {
    row(`**${p.classes[i]}**`, ...r);
  });
  if (p.champion) {
    lines.push(
      '',
      `Gate, on the ${p.champion.rows} holdout rows previous champion v${p.champion.version} never saw: v${p.champion.version} accuracy ${pct(p.champion.accuracy)}, macro-F1 ${f4(p.champion.macroF1)}; this model accuracy ${pct(p.champion.challengerAccuracy)}, macro-F1 ${f4(p.champion.challengerMacroF1)}.`,
    );
  }
  lines.push(
    '',
    '## Model selection (cross-validation on the training split)',
    '',
    '| candidate | mean accuracy | folds |',
    '|---|---|---|',
  );
  for (const c of [...p.cv].sort((a, b) => b.meanAccuracy - a.meanAccuracy)) {
    row(
      `${c === p.chosen ? '**' : ''}${describe(c)}${c === p.chosen ? '** (chosen)' : ''}`,
      f4(c.meanAccuracy),
      c.foldAccuracy.map(f4).join(' '),
    );
  }
  if (p.importances) {
    lines.push(
      '',
      '## Feature importance (mean decrease in impurity)',
      '',
      '| feature | importance |',
      '|---|---|',
    );
    for (const [n, v] of Object.entries(p.importances).sort((a, b) => b[1] - a[1])) row(n, f4(v));
  }
  lines.push('');
  return lines.join('\n');
}
