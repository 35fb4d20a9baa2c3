// Sharded training and inference against the unsharded runs they must equal: a feature group of nine
// months with very different row counts (1 to 1,500 rows), split into 1, 2, 3 and 7 shards.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { parseShard } from '../../actions/lib/pipelines/options.js';
import { assignMonths, groupAssignment } from '../../actions/lib/pipelines/shards/plan.js';
import { ModelRegistry } from '../../actions/lib/registry/model-registry.js';
import { hashSplit, inHashHoldout } from '../../actions/lib/training/splits.js';
import { type ActionRun, requireBundles, runActionBundle } from '../helpers/action-runner.js';
import { cli, fingerprint, makeWorkspace, NOW } from '../helpers/workspace.js';

// (last date, days, rows per day): months from 1 row (May) to 1,500 rows (August), plus the real rows.
const PLAN: [string, number, number][] = [
  ['2026-01-31', 31, 40],
  ['2026-02-03', 3, 2],
  ['2026-03-31', 10, 100],
  ['2026-05-01', 1, 1],
  ['2026-06-30', 30, 7],
  ['2026-08-15', 5, 300],
  ['2026-09-02', 2, 13],
  ['2026-10-31', 20, 25],
];
const DATASETS = ['iris', 'titanic'];
const NB = ['--algorithm', 'gaussian-nb', '--no-search', '--split', 'hash', '--include-synthetic'];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gitml-shards-'));
let base: string;
let copies = 0;

async function ok(root: string, ...args: string[]) {
  const r = await cli(root, ...args);
  if (r.code !== 0) throw new Error(`gitml ${args.join(' ')} exited ${r.code}:\n${r.out}\n${r.err}`);
  return r;
}

/** A copy of a workspace (the feature groups are built once). */
function copy(from: string): string {
  const to = path.join(tmp, `ws-${++copies}`);
  cpSync(from, to, { recursive: true });
  return to;
}

async function trainSharded(root: string, n: number, partials: string, extra: string[] = []) {
  for (let i = 1; i <= n; i++)
    await ok(root, 'train', '--shard', `${i}/${n}`, '--partials', partials, '--include-synthetic');
  return ok(root, 'train', '--merge', '--partials', partials, ...extra);
}

async function inferSharded(root: string, n: number, partials: string) {
  for (let i = 1; i <= n; i++) await ok(root, 'infer', '--shard', `${i}/${n}`, '--partials', partials);
  return ok(root, 'infer', '--merge', '--partials', partials);
}

const readJson = (root: string, rel: string) => JSON.parse(readFileSync(path.join(root, rel), 'utf8'));

/** Largest relative difference between two JSON values of the same shape (throws on any other difference). */
function maxRelativeDiff(a: unknown, b: unknown, where = ''): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return 0;
    return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, where).toBe(a.length);
    return Math.max(0, ...a.map((x, i) => maxRelativeDiff(x, b[i], `${where}[${i}]`)));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(b).sort(), where).toEqual(Object.keys(a).sort());
    return Math.max(
      0,
      ...Object.keys(a).map((k) =>
        maxRelativeDiff(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          `${where}.${k}`,
        ),
      ),
    );
  }
  expect(b, where).toEqual(a);
  return 0;
}

function withoutModelHashes(index: { versions: Record<string, unknown>[] }) {
  return { ...index, versions: index.versions.map(({ modelSha256: _h, ...v }) => v) };
}

/** Same registry entry, metrics and card; model parameters within 1e-12; the same predictions on every row. */
function expectSameModel(a: string, b: string, dataset: string, version: number): void {
  const dir = `models/${dataset}`;
  // modelSha256 is the hash of model.json's bytes, which agree within 1e-12 (below), not byte for byte.
  expect(withoutModelHashes(readJson(b, `${dir}/index.json`))).toEqual(
    withoutModelHashes(readJson(a, `${dir}/index.json`)),
  );
  expect(readJson(b, `${dir}/v${version}/metrics.json`)).toEqual(
    readJson(a, `${dir}/v${version}/metrics.json`),
  );
  expect(readFileSync(path.join(b, dir, `v${version}/card.md`), 'utf8')).toBe(
    readFileSync(path.join(a, dir, `v${version}/card.md`), 'utf8'),
  );
  const ma = readJson(a, `${dir}/v${version}/model.json`);
  const mb = readJson(b, `${dir}/v${version}/model.json`);
  expect(mb.view).toEqual(ma.view);
  expect(mb.estimator.classCounts).toEqual(ma.estimator.classCounts);
  expect(maxRelativeDiff(ma, mb)).toBeLessThan(1e-12);

  const wsA = new Workspace(a);
  const spec = wsA.loadSpec(dataset);
  const fg = FeatureGroup.open(wsA, spec);
  const t = fg.read();
  const predict = (root: string) => {
    const model = new ModelRegistry(new Workspace(root), dataset).load(version);
    return model.predictProba(model.matrixFor(fg.meta.features, t.columns, t.rows));
  };
  const pa = predict(a);
  const pb = predict(b);
  const k = spec.label.classes.length;
  const argmax = (p: Float64Array, i: number) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
    return best;
  };
  let differ = 0;
  let maxDiff = 0;
  for (let i = 0; i < t.rows; i++) {
    if (argmax(pa, i) !== argmax(pb, i)) differ++;
    for (let c = 0; c < k; c++) maxDiff = Math.max(maxDiff, Math.abs(pa[i * k + c] - pb[i * k + c]));
  }
  expect(differ, `${dataset}: rows predicted differently`).toBe(0);
  expect(maxDiff).toBeLessThan(1e-9);
}

beforeAll(async () => {
  base = makeWorkspace(DATASETS);
  await ok(base, 'backfill');
  for (const [date, days, rows] of PLAN)
    await ok(base, 'generate', '--date', date, '--days', String(days), '--rows', String(rows));
  // Real rows without a label in three months: predicted now, their actuals arrive later.
  const obs = path.join(tmp, 'obs.csv');
  writeFileSync(
    obs,
    [
      'sepal_length,sepal_width,petal_length,petal_width,event_time',
      '6.9,3.1,5.4,2.1,2026-01-15T08:00:00Z',
      '5.0,3.4,1.5,0.2,2026-05-20T08:00:00Z',
      '6.1,2.8,4.7,1.2,2026-11-20T08:00:00Z',
      '',
    ].join('\n'),
  );
  await ok(base, 'ingest', '-d', 'iris', obs);
}, 60_000);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('shard assignment and the hash split', () => {
  it('parses i/n and refuses anything else', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '3', '1/0', 'a/b', '1/257'])
      expect(() => parseShard(bad), bad).toThrow(/must be i\/n with 1 ≤ i ≤ n ≤ 256/);
  });

  it('deals months largest first to the lightest shard, and gives every month to exactly one shard', () => {
    const rows: Record<string, number> = { a: 100, b: 1, c: 60, d: 50, e: 5 };
    // a (100) → 1; c (60) → 2; d (50) → 2 (110); e (5) → 1 (105); b (1) → 1 (106).
    expect(assignMonths(Object.keys(rows), (m) => rows[m], 2)).toEqual([
      ['a', 'b', 'e'],
      ['c', 'd'],
    ]);
    expect(assignMonths(['a', 'b'], (m) => rows[m], 3)).toEqual([['a'], ['b'], []]);
    const fg = FeatureGroup.open(new Workspace(base), new Workspace(base).loadSpec('titanic'));
    for (const n of [1, 2, 3, 7]) {
      const shards = groupAssignment(fg, n);
      expect(shards.flat().sort()).toEqual(fg.months());
      expect(shards.every((s) => s.length > 0)).toBe(true);
    }
    expect(groupAssignment(fg, 7).some((s) => s.length > 1)).toBe(true);
  });

  it('puts about testFraction of ids in the holdout, by id alone', () => {
    const ids = Float64Array.from({ length: 100_000 }, (_, i) => i + 1);
    const all = Array.from(ids, (_, i) => i);
    const { train, test } = hashSplit(ids, all, 0.2, 42);
    expect(test.length / ids.length).toBeGreaterThan(0.19);
    expect(test.length / ids.length).toBeLessThan(0.21);
    expect(train.length + test.length).toBe(ids.length);
    // Any subset of the rows splits the same way (what a shard relies on).
    const odd = all.filter((i) => i % 2 === 1);
    expect(hashSplit(ids, odd, 0.2, 42).test).toEqual(test.filter((i) => i % 2 === 1));
    expect(hashSplit(ids, all, 0.2, 7).test).not.toEqual(test); // the seed matters
    expect(inHashHoldout(2 ** 40 + 5, 42, 0.2)).toBe(inHashHoldout(2 ** 40 + 5, 42, 0.2));
    expect(() => hashSplit(ids, [0], 0.2, 42)).toThrow(/each side needs at least one/);
  });
});

describe('sharded training', () => {
  let whole: string;
  beforeAll(async () => {
    whole = copy(base);
    await ok(whole, 'train', ...NB);
  }, 60_000);

  it.each([1, 2, 3, 7])(
    'with %i shard(s) registers the model the unsharded run registers',
    async (n) => {
      const root = copy(base);
      const partials = path.join(tmp, `train-${n}`);
      await trainSharded(root, n, partials);
      expect(readdirSync(partials).sort()).toEqual(
        DATASETS.flatMap((d) =>
          Array.from({ length: n }, (_, i) => `train-${d}-${i + 1}-of-${n}.json`),
        ).sort(),
      );
      const p = readJson(partials, `train-titanic-1-of-${n}.json`);
      expect(p).toMatchObject({ format: 'gitml.nb-partial', version: 1, shard: 1, shards: n });
      expect(p.partitions.map((x: { month: string }) => x.month)).toEqual(p.months);
      for (const d of DATASETS) expectSameModel(whole, root, d, 1);
    },
    30_000,
  );

  it('gates a second model against the champion exactly as the unsharded run does', async () => {
    const a = copy(whole);
    const b = copy(whole);
    await ok(a, 'train', ...NB, '--seed', '7', '--tolerance', '0.01');
    const partials = path.join(tmp, 'second');
    for (let i = 1; i <= 3; i++)
      await ok(b, 'train', '--shard', `${i}/3`, '--partials', partials, '--include-synthetic', '--seed', '7');
    await ok(b, 'train', '--merge', '--partials', partials, '--tolerance', '0.01');
    for (const d of DATASETS) {
      expect(readJson(b, `models/${d}/v2/metrics.json`).previousChampion).not.toBeNull();
      expectSameModel(a, b, d, 2);
    }
  });

  it('skips a merge whose data and config equal the champion’s, as train does', async () => {
    const root = copy(whole);
    const partials = path.join(tmp, 'unchanged');
    const before = fingerprint(path.join(root, 'models'));
    const r = await trainSharded(root, 2, partials);
    expect(r.out).toContain('skipped, training data and config are unchanged since champion v1');
    expect(fingerprint(path.join(root, 'models'))).toBe(before);
  });
});

describe('sharded inference', () => {
  let trained: string;
  beforeAll(async () => {
    trained = copy(base);
    await ok(trained, 'train', ...NB);
  }, 60_000);

  it.each([1, 2, 3, 7])('with %i shard(s) writes the log byte for byte as infer does', async (n) => {
    const a = copy(trained);
    const b = copy(trained);
    const one = await ok(a, 'infer');
    const merged = await inferSharded(b, n, path.join(tmp, `infer-${n}`));
    expect(fingerprint(path.join(b, 'reports'))).toBe(fingerprint(path.join(a, 'reports')));
    expect(merged.out).toContain(one.out.match(/predicted \d+ new row\(s\)/)![0]);
    expect(merged.out).toContain('3 waiting for a label');
  });

  it('appends to an existing log and fills in actuals that arrived, as infer does', async () => {
    const a = copy(trained);
    await ok(a, 'infer');
    // New rows in a new month and an old one, and the late labels of the ingested rows.
    await ok(a, 'generate', '--date', '2026-07-04', '--days', '2', '--rows', '9');
    const ids = readFileSync(path.join(a, 'reports/iris/predictions-2026-01.csv'), 'utf8')
      .split('\n')
      .filter((l) => l.endsWith(','))
      .map((l) => l.split(',')[0]);
    expect(ids.length).toBe(1);
    const labels = path.join(tmp, 'late.csv');
    writeFileSync(labels, `id,variety\n${ids[0]},Virginica\n`);
    await ok(a, 'ingest', '-d', 'iris', labels);
    const b = copy(a);
    const one = await ok(a, 'infer');
    expect(one.out).toContain('filled 1 actual(s)');
    const merged = await inferSharded(b, 3, path.join(tmp, 'infer-again'));
    expect(merged.out).toContain('predicted 18 new row(s) with champion v1, filled 1 actual(s)');
    expect(fingerprint(path.join(b, 'reports'))).toBe(fingerprint(path.join(a, 'reports')));
    // Nothing new: the merge writes nothing, like infer.
    const c = copy(b);
    await inferSharded(c, 2, path.join(tmp, 'infer-nothing'));
    expect(fingerprint(path.join(c, 'reports'))).toBe(fingerprint(path.join(a, 'reports')));
  });
});

describe('refusals', () => {
  let trained: string;
  beforeAll(async () => {
    trained = copy(base);
    await ok(trained, 'train', ...NB);
  }, 60_000);

  async function refused(root: string, args: string[], message: RegExp) {
    const before = fingerprint(root);
    const r = await cli(root, ...args);
    expect(r.code, r.out).toBe(1);
    expect(r.err).toMatch(message);
    expect(fingerprint(root)).toBe(before);
  }

  it('refuses a missing, duplicated or foreign shard, writing nothing', async () => {
    const root = copy(trained);
    const partials = path.join(tmp, 'refuse-train');
    const trainShard = (shard: string) =>
      ok(
        root,
        'train',
        '-d',
        'iris',
        '--shard',
        shard,
        '--partials',
        partials,
        '--include-synthetic',
        '--seed',
        '3',
      );
    for (const s of ['1/3', '3/3']) await trainShard(s);
    const merge = ['train', '-d', 'iris', '--merge', '--partials', partials];
    await refused(
      root,
      merge,
      /missing shard\(s\) 2\/3 of 'iris' \(have 1\/3, 3\/3\); run them before merging/,
    );

    await trainShard('2/3');
    mkdirSync(path.join(partials, 'again'));
    cpSync(path.join(partials, 'train-iris-2-of-3.json'), path.join(partials, 'again', 'copy.json'));
    await refused(
      root,
      merge,
      /duplicated shard\(s\) of 'iris': 2\/3 in .*again\/copy\.json and .*train-iris-2-of-3\.json/,
    );
    rmSync(path.join(partials, 'again'), { recursive: true });

    await trainShard('1/2');
    await refused(root, merge, /partials of 'iris' come from different shard counts \(n = 2, 3\)/);
    rmSync(path.join(partials, 'train-iris-1-of-2.json'));

    // Shards of another config (seed) cannot be merged with these.
    await ok(root, 'train', '-d', 'iris', '--shard', '2/3', '--partials', partials, '--include-synthetic');
    await refused(root, merge, /partials disagree on training config \(configHash\)/);
    await trainShard('2/3');

    // The registry moved on (a new champion) or the data changed since the shards ran.
    const moved = copy(root);
    // --promote: the registry moves whether or not the retrain beats the champion on this data.
    await ok(moved, 'train', '-d', 'iris', ...NB, '--seed', '5', '--promote');
    await refused(
      moved,
      merge,
      /the partials' champion version is 1, but the champion in models\/iris\/index.json now is 2/,
    );
    const grown = copy(root);
    await ok(grown, 'generate', '-d', 'iris', '--date', '2026-10-31', '--days', '40', '--rows', '3');
    await refused(grown, merge, /changed since shard|the feature group now assigns it/);

    await ok(root, ...merge); // the complete set merges
  });

  it('refuses an incomplete or stale set of inference partials, leaving the log as it was', async () => {
    const root = copy(trained);
    const partials = path.join(tmp, 'refuse-infer');
    await ok(root, 'infer', '-d', 'iris', '--shard', '2/2', '--partials', partials);
    const merge = ['infer', '-d', 'iris', '--merge', '--partials', partials];
    await refused(root, merge, /missing shard\(s\) 1\/2 of 'iris'/);
    await ok(root, 'infer', '-d', 'iris', '--shard', '1/2', '--partials', partials);
    await refused(root, [...merge, '--now', '2026-11-25T00:00:00Z'], /prediction time \(--now\)/);
    const moved = copy(root);
    // --promote: the registry moves whether or not the retrain beats the champion on this data.
    await ok(moved, 'train', '-d', 'iris', ...NB, '--seed', '5', '--promote');
    await refused(
      moved,
      merge,
      /the partials' champion is .*"version": 1.*, but champion v2 in models\/iris\/ now/,
    );
    const logged = copy(root);
    await ok(logged, 'infer', '-d', 'iris');
    await refused(logged, merge, /prediction log they started from/);
    await ok(root, ...merge);
    await refused(root, merge, /prediction log they started from/); // merging twice is refused too
  });

  it('refuses options of the other step and algorithms that cannot be sharded', async () => {
    const root = copy(trained);
    const p = path.join(tmp, 'usage');
    const usage = async (args: string[], message: RegExp) => {
      const r = await cli(root, ...args);
      expect(r.code).toBe(64);
      expect(r.err).toMatch(message);
    };
    await usage(['train', '--shard', '0/2', '--partials', p], /--shard '0\/2' must be i\/n/);
    await usage(['train', '--shard', '1/2'], /--shard needs --partials DIR/);
    await usage(['infer', '--merge'], /--merge needs --partials DIR/);
    await usage(['train', '--partials', p], /--partials needs --shard i\/n or --merge/);
    await usage(['train', '--merge', '--shard', '1/2', '--partials', p], /separate steps/);
    await usage(
      ['train', '--merge', '--partials', p, '--seed', '3'],
      /--seed: the training config comes from the partials/,
    );
    await usage(
      ['train', '--shard', '1/2', '--partials', p, '--promote'],
      /--promote: the champion\/challenger gate runs at --merge/,
    );
    const knn = await cli(root, 'train', '--shard', '1/2', '--partials', p, '--algorithm', 'knn');
    expect(knn.code).toBe(1);
    expect(knn.err).toContain(
      "sharded training fits gaussian-nb from mergeable statistics; 'knn' cannot be sharded",
    );
    const time = await cli(root, 'train', '--shard', '1/2', '--partials', p, '--split', 'time');
    expect(time.err).toContain(
      "sharded training needs the hash split (a shard knows its holdout rows by their content); got 'time'",
    );
  });
});

describe('the actions, as the sharded workflow runs them', () => {
  const step = async (root: string, stage: string, inputs: Record<string, string>): Promise<ActionRun> => {
    const run = await runActionBundle(stage, { now: NOW, ...inputs }, { workspace: root });
    if (run.code !== 0) throw new Error(`${stage} failed with ${run.code}:\n${run.stdout}\n${run.stderr}`);
    return run;
  };

  it('plans shards from the row counts, trains and predicts by shard, and merges as train and infer would', async () => {
    requireBundles('plan-shards', 'train', 'infer');
    const root = copy(base);
    const small = await step(root, 'plan-shards', { dataset: 'titanic' });
    expect(small.outputs).toMatchObject({ count: '1', shards: '[1]', sharded: 'false', now: NOW });
    const plan = await step(root, 'plan-shards', {
      dataset: 'iris,titanic',
      'max-rows': '2000',
      'max-shards': '4',
    });
    // titanic: 5,374 rows and iris 4,636 → 3 shards of ≤ 2,000 rows each.
    expect(plan.outputs).toMatchObject({ count: '3', shards: '[1,2,3]', sharded: 'true' });
    expect(JSON.parse(plan.outputs.rows)).toEqual({ iris: 4636, titanic: 5374 });

    const whole = copy(root);
    await ok(whole, 'train', ...NB);
    await ok(whole, 'infer');
    for (const i of [1, 2, 3]) {
      const s = await step(root, 'train', {
        dataset: 'iris,titanic',
        shard: `${i}/3`,
        partials: `.partials/train-${i}`,
        'include-synthetic': 'true',
      });
      expect(s.outputs.trained).toBe('0');
      expect(s.summary).toContain(`Training shard ${i}/3`);
    }
    const merged = await step(root, 'train', {
      dataset: 'iris,titanic',
      merge: 'true',
      partials: '.partials',
    });
    expect(merged.outputs).toMatchObject({ trained: '2', 'model-versions': '{"iris":1,"titanic":1}' });
    for (const d of DATASETS) expectSameModel(whole, root, d, 1);
    for (const i of [1, 2, 3])
      await step(root, 'infer', {
        dataset: 'iris,titanic',
        shard: `${i}/3`,
        partials: `.partials/infer-${i}`,
      });
    const logged = await step(root, 'infer', {
      dataset: 'iris,titanic',
      merge: 'true',
      partials: '.partials',
    });
    expect(logged.outputs['waiting-for-label']).toBe('3');
    expect(fingerprint(path.join(root, 'reports'))).toBe(fingerprint(path.join(whole, 'reports')));

    const bad = await runActionBundle('infer', { shard: '4/3', partials: 'p' }, { workspace: root });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("::error::input 'shard' '4/3' must be i/n with 1 ≤ i ≤ n ≤ 256");
  }, 60_000);
});
