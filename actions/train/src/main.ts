// train action: model training behind the champion/challenger gate; in pull-request mode, a metrics diff
// comment; with shard/merge, one shard's Gaussian NB statistics or the merge of all shards.
import {
  ActionInputError,
  core,
  eachDataset,
  input,
  output,
  pct,
  repository,
  runStage,
  summaryTable,
  unlessGitHubRefuses,
  workspace,
} from '../../lib/action-kit.js';
import { headCommit, isInsideWorkTree } from '../../lib/git.js';
import { createGitHubClient, upsertPullRequestComment } from '../../lib/github.js';
import {
  type ClassificationHoldout,
  isRegressionHoldout,
  ModelRegistry,
  type RegressionHoldout,
} from '../../lib/model-registry.js';
import { ALGORITHMS } from '../../lib/models/algorithms.js';
import { REGRESSION_ALGORITHMS } from '../../lib/models/regressors.js';
import { FOLDS, SEED, TOLERANCE } from '../../lib/option-bounds.js';
import { REGRESSION_GATE_METRICS, type TrainResult, trainDataset } from '../../lib/pipelines/train.js';
import { mergeTrainShards, type ShardTrainResult, trainShard } from '../../lib/pipelines/train-shards.js';
import { shardText } from '../../lib/sharding.js';
import { type DatasetSpec, taskOf } from '../../lib/spec.js';
import { SPLIT_KINDS } from '../../lib/training.js';
import type { Workspace } from '../../lib/workspace.js';
import { metricsCommentMarkdown } from './comment.js';

await runStage(async () => {
  const ws = workspace();
  const specs = input.datasets(ws);
  // The selected datasets' tasks decide which algorithms may be named (both when they mix).
  const tasks = new Set(specs.flatMap((s) => (s.spec ? [taskOf(s.spec.label)] : [])));
  const algorithm = input.choice(
    'algorithm',
    [
      'auto',
      ...(tasks.has('classification') || tasks.size === 0 ? ALGORITHMS.map((a) => a.name) : []),
      ...(tasks.has('regression') ? REGRESSION_ALGORITHMS.map((a) => a.name) : []),
    ],
    'auto',
  );
  const promote = input.boolean('promote', false);
  const force = input.boolean('force', false);
  // A regressor's tolerance is in its gate metric's units; a classifier's (a share of macro-F1) is checked per dataset.
  const tolerance = input.number(
    'tolerance',
    specs.some((s) => s.spec !== undefined && taskOf(s.spec.label) === 'regression')
      ? { min: TOLERANCE.min }
      : TOLERANCE,
  );
  const gateMetric = input.string('gate-metric')
    ? input.choice('gate-metric', REGRESSION_GATE_METRICS, 'mae')
    : undefined;
  // Empty: the task's default (stratified for a classifier, shuffle for a regressor).
  const split = input.string('split') ? input.choice('split', SPLIT_KINDS, 'stratified') : undefined;
  const seed = input.integer('seed', SEED);
  const folds = input.integer('folds', FOLDS);
  const includeSynthetic = input.boolean('include-synthetic', false);
  const asOf = input.string('as-of') || undefined;
  const token = input.string('token');
  const pullRequest = input.pullRequest();
  const headSha = input.string('head-sha');
  if (headSha && !/^[0-9a-f]{7,64}$/i.test(headSha))
    throw new ActionInputError(`input 'head-sha' must be a commit SHA (hexadecimal), got '${headSha}'`);
  const now = input.now();
  const { shard, merge, partials } = input.shardStep(ws);
  if (pullRequest !== null && !token) throw new ActionInputError("input 'pull-request' needs input 'token'");
  if (pullRequest !== null && promote) {
    throw new ActionInputError(
      "input 'promote' must be false with 'pull-request': a pull request never changes the champion",
    );
  }

  if ((shard || merge) && pullRequest !== null)
    throw new ActionInputError("input 'pull-request' cannot be combined with shards");
  if (shard) {
    const { results: done, failed } = await eachDataset<ShardTrainResult>(
      specs,
      (d) => `train ${d.name} shard ${shardText(shard)}`,
      (spec) => {
        const r = trainShard(ws, spec, {
          now,
          shard,
          partials,
          algorithm: algorithm === 'auto' ? undefined : algorithm,
          split,
          seed,
          folds,
          includeSynthetic,
          asOf,
          progress: (line) => core.info(line),
        });
        core.info(`${r.eligible} labelled rows (${r.test} holdout) → ${r.file}`);
        return r;
      },
    );
    output('failed-datasets', failed.join(','));
    output('trained', 0);
    output('model-versions', {});
    output(
      'champions',
      champions(
        ws,
        done.map((r) => r.dataset),
      ),
    );
    output('model-version', '');
    output('accuracy', '');
    output('promoted', false);
    output(
      'results',
      done.map((r) => ({
        dataset: r.dataset,
        shard: shardText(r.shard),
        months: r.months,
        partial: ws.rel(r.file),
      })),
    );
    summaryTable(
      `Training shard ${shardText(shard)}`,
      ['dataset', 'months', 'labelled rows', 'holdout rows', 'partial'],
      done.map((r) => [r.dataset, r.months.join(', '), r.eligible, r.test, ws.rel(r.file)]),
    );
    return;
  }

  // Each result with its spec: the pull-request comment is per dataset.
  const { results: runs, failed } = await eachDataset<{ spec: DatasetSpec; r: TrainResult }>(
    specs,
    (d) => `train ${d.name}`,
    (spec) => {
      const r = merge
        ? mergeTrainShards(ws, spec, {
            now,
            partials,
            force,
            promote,
            tolerance: toleranceFor(spec, tolerance),
            gateMetric: gateMetricFor(spec, gateMetric),
            progress: (line) => core.info(line),
          })
        : trainDataset(ws, spec, {
            now,
            algorithm: algorithm === 'auto' ? undefined : algorithm,
            promote,
            force,
            tolerance: toleranceFor(spec, tolerance),
            gateMetric: gateMetricFor(spec, gateMetric),
            split,
            seed,
            folds,
            includeSynthetic,
            asOf,
            progress: (line) => core.info(line),
            warn: (w) => core.warning(`${spec.name}: ${w}`),
          });
      core.info(
        r.entry ? `v${r.entry.version} → ${r.entry.status}. ${r.entry.decision}` : `skipped: ${r.skipped}`,
      );
      return { spec, r };
    },
  );
  output('failed-datasets', failed.join(','));
  const results = runs.map((x) => x.r);

  const trained = results.filter((r) => r.entry);
  const single = specs.length === 1 ? trained[0]?.entry : undefined;
  output('trained', trained.length);
  output('model-versions', Object.fromEntries(trained.map((r) => [r.dataset, r.entry!.version])));
  output(
    'champions',
    champions(
      ws,
      results.map((r) => r.dataset),
    ),
  );
  output('model-version', single ? String(single.version) : '');
  output('accuracy', single && !isRegressionHoldout(single.holdout) ? String(single.holdout.accuracy) : '');
  output('mae', single && isRegressionHoldout(single.holdout) ? String(single.holdout.mae) : '');
  output(
    'promoted',
    trained.some((r) => r.entry!.status === 'champion'),
  );
  output(
    'results',
    results.map((r) => {
      if (!r.entry) return { dataset: r.dataset, skipped: r.skipped };
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
    }),
  );
  const isRegression = (r: TrainResult) => !!r.entry && isRegressionHoldout(r.entry.holdout);
  summaryTable(
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
        if (!r.entry) return [r.dataset, '—', '—', '—', '—', '—', 'skipped', r.skipped ?? ''];
        const e = r.entry;
        const h = e.holdout as ClassificationHoldout;
        const before = r.previousChampion && !('task' in r.previousChampion) ? r.previousChampion : null;
        return [
          r.dataset,
          `v${e.version}`,
          e.algorithm,
          pct(h.accuracy),
          h.macroF1.toFixed(4),
          before ? `v${before.version}: ${pct(before.accuracy)}, ${before.macroF1.toFixed(4)}` : 'none',
          e.status,
          e.decision,
        ];
      }),
  );
  const regressions = results.filter(isRegression);
  if (regressions.length > 0) {
    summaryTable(
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
  const warned = results.flatMap((r) => (r.warnings ?? []).map((w) => `${r.dataset}: ${w}`));
  if (warned.length > 0) {
    summaryTable(
      'Training warnings',
      ['warning'],
      warned.map((w) => [w]),
    );
  }

  if (pullRequest !== null) {
    const { owner, repo } = repository();
    const client = createGitHubClient(token, { retry: { onRetry: (message) => core.info(message) } });
    // The pull request's head as the reviewer knows it; the checkout may be the base commit (the check runs
    // the base's code on the pull request's data) or GitHub's temporary merge commit.
    const head = headSha || (isInsideWorkTree(ws.root) ? headCommit(ws.root) : null);
    // Refused once (a fork's read-only token, no permission): the rest would be too; the job summary
    // carries every comment the pull request did not get.
    let refused = false;
    for (const { spec, r } of runs) {
      const body = metricsCommentMarkdown(spec, r, head);
      if (!refused) {
        const c = await unlessGitHubRefuses(
          `metrics comment for ${spec.name} not posted`,
          () =>
            upsertPullRequestComment(client, {
              owner,
              repo,
              issueNumber: pullRequest,
              marker: `metrics-${spec.name}`,
              body,
            }),
          "the metrics diff is in this job's summary",
        );
        if ('value' in c) {
          core.info(`${spec.name}: pull-request comment ${c.value.action} (id ${c.value.id})`);
          continue;
        }
        refused = true;
        core.summary.addRaw(
          '<p>Pull-request comment not posted (see the warning); here is its text:</p>',
          true,
        );
      }
      core.summary.addRaw(`\n${body}\n`, true);
    }
  }
});

/** The tolerance for a dataset: a classifier's is a share of macro-F1, at most 1. */
function toleranceFor(spec: DatasetSpec, tolerance: number | undefined): number | undefined {
  if (tolerance !== undefined && taskOf(spec.label) === 'classification' && tolerance > TOLERANCE.max)
    throw new ActionInputError(
      `input 'tolerance' for ${spec.name} (a classifier, gated on macro-F1) must be from ${TOLERANCE.min} to ${TOLERANCE.max}, got ${tolerance}`,
    );
  return tolerance;
}

/** The gate metric is a regressor's choice; a classifier is gated on macro-F1. */
function gateMetricFor<T>(spec: DatasetSpec, metric: T | undefined): T | undefined {
  if (metric !== undefined && taskOf(spec.label) !== 'regression')
    throw new ActionInputError(
      `input 'gate-metric' is for a regression dataset; ${spec.name} is a classifier, gated on macro-F1`,
    );
  return metric;
}

/** Champion version per dataset after the run, for the datasets that were done. */
function champions(ws: Workspace, names: readonly string[]): Record<string, number | null> {
  return Object.fromEntries(names.map((n) => [n, new ModelRegistry(ws, n).index().champion]));
}
