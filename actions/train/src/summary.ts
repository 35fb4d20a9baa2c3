// The train action's outputs and job summary, from each dataset's result (pure).

import { percent } from '../../lib/core/format.js';
import type { Workspace } from '../../lib/files/workspace.js';
import { retrainHint } from '../../lib/pipelines/options.js';
import { shardText } from '../../lib/pipelines/shards/plan.js';
import type { ShardTrainResult } from '../../lib/pipelines/shards/train-shard.js';
import type { TrainResult } from '../../lib/pipelines/train.js';
import {
  type ActionReport,
  type EachDatasetResult,
  type SummaryBlock,
  summaryTableBlock,
} from '../../lib/platform/action-kit.js';
import {
  type ClassificationHoldout,
  isRegressionHoldout,
  type RegressionHoldout,
} from '../../lib/registry/model-registry.js';
import type { TrainInputs } from './inputs.js';

/** Champion version per dataset after the run, for the datasets that were done. */
export type Champions = Record<string, number | null>;

export function shardReport(
  { results, failed, summary, exitCode }: EachDatasetResult<ShardTrainResult>,
  shard: string,
  champions: Champions,
  ws: Pick<Workspace, 'rel'>,
): ActionReport {
  return {
    outputs: {
      'failed-datasets': failed.join(','),
      trained: 0,
      'model-versions': {},
      champions,
      'model-version': '',
      accuracy: '',
      promoted: false,
      results: results.map((r) => ({
        dataset: r.dataset,
        shard: shardText(r.shard),
        months: r.months,
        partial: ws.rel(r.file),
      })),
    },
    summary: [
      ...summary,
      summaryTableBlock(
        `Training shard ${shard}`,
        ['dataset', 'months', 'labelled rows', 'holdout rows', 'partial'],
        results.map((r) => [r.dataset, r.months.join(', '), r.eligible, r.test, ws.rel(r.file)]),
      ),
    ],
    exitCode,
  };
}

const isRegression = (r: TrainResult) => !!r.entry && isRegressionHoldout(r.entry.holdout);

export function trainReport(
  { failed, summary, exitCode }: EachDatasetResult<unknown>,
  results: readonly TrainResult[],
  champions: Champions,
  { datasets, pullRequest }: Pick<TrainInputs, 'datasets' | 'pullRequest'>,
): ActionReport & { summary: SummaryBlock[] } {
  const trained = results.filter((r) => r.entry);
  const single = datasets.length === 1 ? trained[0]?.entry : undefined;
  const blocks: SummaryBlock[] = [...summary, classificationTable(results, pullRequest)];
  const regressions = results.filter(isRegression);
  if (regressions.length > 0) blocks.push(regressionTable(regressions, pullRequest));
  const warned = results.flatMap((r) => (r.warnings ?? []).map((w) => `${r.dataset}: ${w}`));
  if (warned.length > 0)
    blocks.push(
      summaryTableBlock(
        'Training warnings',
        ['warning'],
        warned.map((w) => [w]),
      ),
    );
  return {
    outputs: {
      'failed-datasets': failed.join(','),
      trained: trained.length,
      'model-versions': Object.fromEntries(trained.map((r) => [r.dataset, r.entry!.version])),
      champions,
      'model-version': single ? String(single.version) : '',
      accuracy: single && !isRegressionHoldout(single.holdout) ? String(single.holdout.accuracy) : '',
      mae: single && isRegressionHoldout(single.holdout) ? String(single.holdout.mae) : '',
      promoted: trained.some((r) => r.entry!.status === 'champion'),
      results: results.map(resultOutput),
    },
    summary: blocks,
    exitCode,
  };
}

/** Why a dataset was not trained, and the way to train it anyway (the action's input 'force'). */
export function skippedText(r: TrainResult): string {
  return `${r.skipped} ${retrainHint('action')}`;
}

function resultOutput(r: TrainResult) {
  if (!r.entry) return { dataset: r.dataset, skipped: skippedText(r) };
  const h = r.entry.holdout;
  const base = {
    dataset: r.dataset,
    version: r.entry.version,
    algorithm: r.entry.algorithm,
    status: r.entry.status,
  };
  return isRegressionHoldout(h)
    ? {
        ...base,
        task: 'regression',
        mae: h.mae,
        rmse: h.rmse,
        r2: h.r2,
        baselineMae: h.baselineMae,
        previousChampion: r.previousChampion ?? null,
      }
    : { ...base, accuracy: h.accuracy, macroF1: h.macroF1, previousChampion: r.previousChampion ?? null };
}

function classificationTable(results: readonly TrainResult[], pullRequest: number | null): SummaryBlock {
  return summaryTableBlock(
    pullRequest !== null ? `Training check for pull request #${pullRequest}` : 'Training',
    [
      'dataset',
      'model',
      'algorithm',
      'holdout accuracy',
      'macro-F1',
      'champion before',
      'status',
      'decision',
    ],
    results
      .filter((r) => !isRegression(r))
      .map((r) => {
        if (!r.entry) return [r.dataset, '—', '—', '—', '—', '—', 'skipped', skippedText(r)];
        const e = r.entry;
        const h = e.holdout as ClassificationHoldout;
        const before = r.previousChampion && !('task' in r.previousChampion) ? r.previousChampion : null;
        return [
          r.dataset,
          `v${e.version}`,
          e.algorithm,
          percent(h.accuracy, 1, '—'),
          h.macroF1.toFixed(4),
          before
            ? `v${before.version}: ${percent(before.accuracy, 1, '—')}, ${before.macroF1.toFixed(4)}`
            : 'none',
          e.status,
          e.decision,
        ];
      }),
  );
}

function regressionTable(regressions: readonly TrainResult[], pullRequest: number | null): SummaryBlock {
  return summaryTableBlock(
    pullRequest !== null
      ? `Regression training check for pull request #${pullRequest}`
      : 'Training (regression)',
    [
      'dataset',
      'model',
      'algorithm',
      'holdout MAE',
      'RMSE',
      'R²',
      'mean baseline MAE',
      'champion before',
      'status',
      'decision',
    ],
    regressions.map((r) => {
      const e = r.entry!;
      const h = e.holdout as RegressionHoldout;
      const before = r.previousChampion && 'task' in r.previousChampion ? r.previousChampion : null;
      return [
        r.dataset,
        `v${e.version}`,
        e.algorithm,
        h.mae.toFixed(4),
        h.rmse.toFixed(4),
        h.r2.toFixed(4),
        h.baselineMae.toFixed(4),
        before ? `v${before.version}: MAE ${before.mae.toFixed(4)}` : 'none',
        e.status,
        e.decision,
      ];
    }),
  );
}
