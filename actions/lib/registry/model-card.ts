// The model card: a readable markdown page per model version with its full lineage and metrics.
// Pure: no I/O.
import { percent } from '../core/format.js';
import type { PermutationImportance } from '../explain/permutation-importance.js';
import type { ModelLabel } from '../models/serving-model.js';
import type { FeatureSchema } from '../spec/spec.js';
import type { Metrics, RegressionMetrics } from '../training/metrics.js';
import type { CvResult } from '../training/training.js';
import { describe, topCv } from '../training/training.js';

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

const f4 = (x: number) => x.toFixed(4);

/** The classification gate's figures (see pipelines/train.ts PreviousChampion). */
interface ClassificationGate {
  version: number;
  macroF1: number;
  accuracy: number;
  challengerMacroF1: number;
  challengerAccuracy: number;
  rows: number;
}

/** The regression gate's figures (the model card's and the pipeline's). */
export interface RegressionGate {
  task: 'regression';
  version: number;
  metric: string;
  mae: number;
  rmse: number;
  r2: number;
  challengerMae: number;
  challengerRmse: number;
  challengerR2: number;
  rows: number;
}

export interface CardParts {
  holdout: Metrics | RegressionMetrics;
  cv: CvResult[];
  chosen: CvResult;
  correlations: Record<string, number>;
  features: FeatureSchema[];
  classes: string[];
  inputExample: Record<string, string>;
  importances?: Record<string, number>;
  /** Permutation importance on the honest holdout (absent: sharded training; the site computes it). */
  permutation?: PermutationImportance;
  champion?: ClassificationGate | RegressionGate | null;
  /** Regression: the label's unit and decimals for the figures. */
  label?: ModelLabel;
  /** Regression: how predictions get their interval. */
  interval?:
    | { kind: 'trees'; quantiles: number[] }
    | { kind: 'residuals'; quantiles: number[]; low: number; high: number };
}

export function modelCard(l: Lineage, p: CardParts): string {
  const lines: string[] = [];
  const row = (...cells: (string | number)[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(`# ${l.dataset} model v${l.version} — ${l.algorithm}`, '');
  lines.push(`**Status:** ${l.status}. ${l.decision}`, '');
  const reg = p.holdout.task === 'regression' ? p.holdout : null;
  const unit = p.label?.unit ? ` ${p.label.unit}` : '';
  if (reg)
    lines.push(
      `Holdout MAE **${f4(reg.mae)}${unit}** (RMSE ${f4(reg.rmse)}, R² ${f4(reg.r2)}) on ${reg.rows} rows; predicting the training mean gives MAE ${f4(reg.baselineMae)}.`,
      '',
    );
  else {
    const h = p.holdout as Metrics;
    lines.push(
      `Holdout accuracy **${percent(h.accuracy)}** (macro-F1 ${f4(h.macro.f1)}) on ${h.rows} rows; majority-class baseline ${percent(h.baselineAccuracy)}.`,
      '',
    );
  }
  lineageSection(lines, row, l);
  inputSection(lines, row, p);
  if (reg) regressionSections(lines, row, reg, p, unit);
  else classificationSections(lines, row, p.holdout as Metrics, p);
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
  if (p.permutation) permutationSection(lines, row, p.permutation);
  lines.push('');
  return lines.join('\n');
}

type Row = (...cells: (string | number)[]) => void;

/** Where the model came from: data, code, config, rows, split and algorithm. */
function lineageSection(lines: string[], row: Row, l: Lineage): void {
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
    `${l.split.kind}, ${percent(l.split.testFraction)} holdout, seed ${l.split.seed}; ${l.split.folds}-fold cross-validation; identical feature rows (content hash of the cleaned features) are never split across holdout or folds`,
  );
  row(
    'algorithm',
    `${l.algorithm} ${Object.entries(l.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
}

/** What the model reads: the input schema, the features not selected and an input example. */
function inputSection(lines: string[], row: Row, p: CardParts): void {
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
}

function regressionSections(
  lines: string[],
  row: Row,
  h: RegressionMetrics,
  p: CardParts,
  unit: string,
): void {
  lines.push(
    '',
    '## Holdout metrics',
    '',
    '| metric | this model | training-mean baseline |',
    '|---|---|---|',
  );
  row('MAE (mean absolute error)', `${f4(h.mae)}${unit}`, `${f4(h.baselineMae)}${unit}`);
  row('RMSE (root mean squared error)', `${f4(h.rmse)}${unit}`, `${f4(h.baselineRmse)}${unit}`);
  row('R²', f4(h.r2), '0 (by definition, on the training mean)');
  row('median absolute error', `${f4(h.medianAbsoluteError)}${unit}`, '');
  for (const w of h.within) row(`accuracy within ${w.tolerance}${unit}`, percent(w.accuracy), '');
  if (h.within.length > 0)
    lines.push(
      '',
      `"Accuracy within T" is the share of holdout rows whose prediction is at most T from the actual value${h.within.some((w) => w.tolerance === 0.5) ? ' (T = 0.5 on a whole-number label: the prediction rounds to the right value)' : ''}.`,
    );
  const iv = p.interval;
  if (iv?.kind === 'trees')
    lines.push(
      '',
      `Prediction interval: the ${iv.quantiles.map((q) => `${q * 100}th`).join('–')} percentile of the forest's trees' predictions for the row.`,
    );
  else if (iv?.kind === 'residuals')
    lines.push(
      '',
      `Prediction interval: the prediction ${iv.low >= 0 ? '+' : '−'} ${f4(Math.abs(iv.low))} to ${iv.high >= 0 ? '+' : '−'} ${f4(Math.abs(iv.high))}${unit} (the ${iv.quantiles.map((q) => `${q * 100}th`).join(' and ')} percentile of the holdout residuals, actual − predicted).`,
    );
  const c = p.champion;
  if (c && 'task' in c) {
    lines.push(
      '',
      `Gate (${c.metric}), on the ${c.rows} holdout rows previous champion v${c.version} never saw: v${c.version} MAE ${f4(c.mae)}, RMSE ${f4(c.rmse)}, R² ${f4(c.r2)}; this model MAE ${f4(c.challengerMae)}, RMSE ${f4(c.challengerRmse)}, R² ${f4(c.challengerR2)}.`,
    );
  }
  if (p.cv.length === 0) {
    lines.push(
      '',
      '## Model selection',
      '',
      `No cross-validated search: ${describe(p.chosen)} with its default parameters on all features.`,
    );
    return;
  }
  lines.push(
    '',
    '## Model selection (cross-validation on the training split)',
    '',
    '| candidate | mean MAE | folds |',
    '|---|---|---|',
  );
  for (const c of [...p.cv].sort((a, b) => (a.meanMae ?? 0) - (b.meanMae ?? 0))) {
    row(
      `${c === p.chosen ? '**' : ''}${describe(c)}${c === p.chosen ? '** (chosen)' : ''}`,
      f4(c.meanMae ?? Number.NaN),
      (c.foldMae ?? []).map(f4).join(' '),
    );
  }
  sizeTieBreak(lines, p);
}

function classificationSections(lines: string[], row: Row, holdout: Metrics, p: CardParts): void {
  lines.push(
    '',
    '## Holdout metrics',
    '',
    '| class | precision | recall | F1 | support |',
    '|---|---|---|---|---|',
  );
  for (const [name, m] of Object.entries(holdout.perClass))
    row(name, f4(m.precision), f4(m.recall), f4(m.f1), m.support);
  row(
    '**macro avg**',
    f4(holdout.macro.precision),
    f4(holdout.macro.recall),
    f4(holdout.macro.f1),
    holdout.rows,
  );
  row(
    '**weighted avg**',
    f4(holdout.weighted.precision),
    f4(holdout.weighted.recall),
    f4(holdout.weighted.f1),
    holdout.rows,
  );
  const absent = p.classes.filter((c) => !holdout.macroClasses.includes(c));
  lines.push(
    '',
    `Macro averages are over the ${holdout.macroClasses.length} classes present in the holdout's truth or predictions (scikit-learn's convention)${absent.length ? `; absent from both: ${absent.join(', ')}` : ''}.`,
  );
  lines.push(
    '',
    'Confusion matrix (rows: actual, columns: predicted):',
    '',
    `| | ${p.classes.join(' | ')} |`,
    `|---|${p.classes.map(() => '---').join('|')}|`,
  );
  holdout.confusion.forEach((r, i) => {
    row(`**${p.classes[i]}**`, ...r);
  });
  if (p.champion && !('task' in p.champion)) {
    lines.push(
      '',
      `Gate, on the ${p.champion.rows} holdout rows previous champion v${p.champion.version} never saw: v${p.champion.version} accuracy ${percent(p.champion.accuracy)}, macro-F1 ${f4(p.champion.macroF1)}; this model accuracy ${percent(p.champion.challengerAccuracy)}, macro-F1 ${f4(p.champion.challengerMacroF1)}.`,
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
  sizeTieBreak(lines, p);
}

/** Says why the chosen candidate is not the top score, when the size tie-break picked it (bestCv). */
function sizeTieBreak(lines: string[], p: CardParts): void {
  if (p.cv.length === 0) return; // no search: nothing was compared
  const top = topCv(p.cv);
  if (top === p.chosen || top.modelBytes === undefined || p.chosen.modelBytes === undefined) return;
  const kb = (n: number) => `${Math.round(n / 1000)} KB`;
  lines.push(
    '',
    `Chosen for size: ${describe(p.chosen)} scores within one paired standard error of the top candidate, ${describe(top)}, and its model is ${kb(p.chosen.modelBytes)} instead of ${kb(top.modelBytes)} (mean over the folds).`,
  );
}

/** The score drop when one feature's holdout values are shuffled: what the model needs, on unseen rows. */
function permutationSection(lines: string[], row: Row, p: PermutationImportance): void {
  const what = p.scoring === 'accuracy' ? 'accuracy' : 'negative MAE';
  lines.push(
    '',
    '## Permutation feature importance (honest holdout)',
    '',
    `The drop in holdout ${what} (${f4(p.baseline)} unshuffled, ${p.rows} rows) when one feature's values are shuffled across the holdout rows; mean and standard deviation over ${p.nRepeats} shuffles (seed ${p.seed}), as scikit-learn's permutation_importance.`,
    '',
    '| feature | mean drop | sd |',
    '|---|---|---|',
  );
  for (const f of p.features) row(`${f.name} — ${f.title}`, f4(f.mean), f4(f.sd));
}
