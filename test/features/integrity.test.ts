// Integrity of stored data (issue 12): every reader checks each partition against the row count and
// sha256 its writer recorded in stats.json, ids are never reused, the same file is ingested once, a model
// file is checked against the sha256 the registry recorded, and rejected.csv is never appended to broken.
// Every message names the file that differs and the way to restore it.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBundles, runActionBundle } from '../helpers/action-runner.js';
import { cli, expectCliOk, fingerprint, makeWorkspace, NOW } from '../helpers/workspace.js';

const PART = 'data/iris/v1/rows-2026-11.csv';
const STATS = 'data/iris/v1/stats.json';
const restore = (f: string) =>
  `restore it with git (git checkout -- ${f}; git log -p -- ${f} shows what changed)`;

let base: string;
const made: string[] = [];
beforeAll(async () => {
  base = makeWorkspace(['iris']);
  expect((await cli(base, 'backfill')).code).toBe(0);
  expect((await cli(base, 'generate', '--date', '2026-11-20', '--days', '2')).code).toBe(0);
  expect((await cli(base, 'train', '-d', 'iris', '--no-search')).code).toBe(0);
});
afterAll(() => {
  for (const d of [base, ...made]) if (d) rmSync(d, { recursive: true, force: true });
});

/** A copy of the prepared workspace, to corrupt. */
function fresh(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitml-integrity-'));
  cpSync(base, dir, { recursive: true });
  made.push(dir);
  return dir;
}
const readText = (ws: string, f: string) => readFileSync(path.join(ws, f), 'utf8');
const writeText = (ws: string, f: string, text: string) => writeFileSync(path.join(ws, f), text);
const editJson = (ws: string, f: string, edit: (v: Record<string, unknown>) => void) => {
  const v = JSON.parse(readText(ws, f));
  edit(v);
  writeText(ws, f, JSON.stringify(v, null, 2));
};
const lines = (ws: string, f: string) => readText(ws, f).split('\n');
const dataFingerprint = (ws: string) => fingerprint(path.join(ws, 'data'));

const IRIS_HEADER = 'sepal_length,sepal_width,petal_length,petal_width,variety';

/** Every command that reads the group refuses with exactly `message`, writing nothing. */
async function expectEveryReaderRefuses(ws: string, message: string): Promise<void> {
  const before = dataFingerprint(ws);
  const inbox = path.join(ws, 'new.csv');
  writeFileSync(inbox, `${IRIS_HEADER}\n5.0,3.4,1.5,0.2,Setosa\n`);
  for (const args of [
    ['stats', '-d', 'iris'],
    ['train', '-d', 'iris', '--no-search', '--force'],
    ['generate', '-d', 'iris', '--date', '2026-11-23', '--days', '1'],
    ['ingest', '-d', 'iris', inbox],
  ]) {
    const r = await cli(ws, ...args);
    expect({ args, code: r.code, err: r.err }).toEqual({
      args,
      code: 1,
      err: `gitml ${args[0]}: ${message}`,
    });
  }
  expect(dataFingerprint(ws)).toBe(before);
}

describe('feature-group integrity: the partition that differs is named', () => {
  it('the writer records each partition’s row count and sha256 in stats.json', () => {
    const stats = JSON.parse(readText(base, STATS));
    expect(Object.keys(stats.partitionSha256)).toEqual(Object.keys(stats.partitions));
    expect(stats.partitionSha256['2026-11']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a deleted partition line', async () => {
    const ws = fresh();
    const l = lines(ws, PART);
    const rows = l.filter((x, i) => i > 0 && x !== '').length;
    l.splice(5, 1);
    writeText(ws, PART, l.join('\n'));
    await expectEveryReaderRefuses(
      ws,
      `${PART}: content does not match ${STATS} (sha256 differs; ${rows - 1} rows, ${rows} recorded): the partition was truncated or edited by hand; ${restore(PART)}`,
    );
  });

  it('a duplicated partition line', async () => {
    const ws = fresh();
    const l = lines(ws, PART);
    const rows = l.filter((x, i) => i > 0 && x !== '').length;
    l.splice(5, 0, l[5]);
    writeText(ws, PART, l.join('\n'));
    await expectEveryReaderRefuses(
      ws,
      `${PART}: content does not match ${STATS} (sha256 differs; ${rows + 1} rows, ${rows} recorded): the partition was truncated or edited by hand; ${restore(PART)}`,
    );
  });

  it('a partition file deleted', async () => {
    const ws = fresh();
    const rows = JSON.parse(readText(ws, STATS)).partitions['2026-11'];
    rmSync(path.join(ws, PART));
    const message = `${PART}: listed in ${STATS} (${rows} rows) but missing; ${restore(PART)}`;
    await expectEveryReaderRefuses(ws, message);
    // The sharded steps plan from the files on disk: the deleted one is named, not left out.
    const shard = await cli(ws, 'train', '-d', 'iris', '--shard', '1/1', '--partials', path.join(ws, 'p'));
    expect([shard.code, shard.err]).toEqual([1, `gitml train: ${message}`]);
  });

  it('a partition added by hand', async () => {
    const ws = fresh();
    const extra = 'data/iris/v1/rows-2026-09.csv';
    writeText(ws, extra, `${lines(ws, PART)[0]}\n`);
    await expectEveryReaderRefuses(
      ws,
      `${extra}: not in ${STATS}: the partition was added or renamed by hand; remove it (git rm ${extra}) or restore ${STATS} with git (git checkout -- ${STATS})`,
    );
  });

  it('older stats.json without hashes: a deleted line is caught by the row count; the next write records the hashes', async () => {
    const ws = fresh();
    editJson(ws, STATS, (s) => delete s.partitionSha256);
    // Still opens and reads as before.
    expect((await cli(ws, 'stats', '-d', 'iris')).code).toBe(0);
    const l = lines(ws, PART);
    const rows = l.filter((x, i) => i > 0 && x !== '').length;
    const good = l.join('\n');
    l.splice(3, 1);
    writeText(ws, PART, l.join('\n'));
    await expectEveryReaderRefuses(
      ws,
      `${PART}: has ${rows - 1} rows but ${STATS} records ${rows}: a line was deleted or duplicated by hand; ${restore(PART)}`,
    );
    writeText(ws, PART, good);
    expect((await cli(ws, 'generate', '-d', 'iris', '--date', '2026-11-23', '--days', '1')).code).toBe(0);
    const stats = JSON.parse(readText(ws, STATS));
    expect(Object.keys(stats.partitionSha256)).toEqual(['2026-11']);
  });

  it('a row filed under the wrong month (count unchanged, older stats.json without hashes)', async () => {
    const ws = fresh();
    editJson(ws, STATS, (s) => delete s.partitionSha256);
    const l = lines(ws, PART);
    const cells = l[4].split(',');
    const moved = cells[1].replace(/^2026-11-\d\d/, '2026-10-15');
    cells[1] = moved;
    l[4] = cells.join(',');
    writeText(ws, PART, l.join('\n'));
    await expectEveryReaderRefuses(
      ws,
      `${PART} line 5: event_time ${moved} is not in 2026-11: the row was filed under the wrong month by hand; ${restore(PART)}`,
    );
  });

  it('a malformed partitionSha256 is corrupt counts of stats.json', async () => {
    const ws = fresh();
    editJson(ws, STATS, (s) => {
      (s.partitionSha256 as Record<string, string>)['2026-11'] = 'abc';
    });
    const r = await cli(ws, 'stats', '-d', 'iris');
    expect(r.err).toBe(
      `gitml stats: ${STATS}: corrupt counts, partitionSha256 '2026-11' must be the sha256 of a listed partition`,
    );
  });
});

describe('ids are never reused', () => {
  it('a stale or edited nextId is refused by generate and ingest, naming stats.json', async () => {
    const ws = fresh();
    const { nextId } = JSON.parse(readText(ws, STATS));
    editJson(ws, STATS, (s) => {
      s.nextId = 100;
    });
    const message = `${STATS}: nextId 100 is not above the largest stored id ${nextId - 1} (in ${PART}): new rows would reuse ids; ${STATS} is stale or was edited by hand; ${restore(STATS)}`;
    const before = dataFingerprint(ws);
    const gen = await cli(ws, 'generate', '-d', 'iris', '--date', '2026-11-23', '--days', '1');
    expect([gen.code, gen.err]).toEqual([1, `gitml generate: ${message}`]);
    const file = path.join(ws, 'new.csv');
    writeFileSync(file, `${IRIS_HEADER}\n5.0,3.4,1.5,0.2,Setosa\n`);
    const ing = await cli(ws, 'ingest', '-d', 'iris', file);
    expect([ing.code, ing.err]).toEqual([1, `gitml ingest: ${message}`]);
    expect(dataFingerprint(ws)).toBe(before);
  });
});

describe('idempotent ingest', () => {
  it('the same file again is skipped with a message; --again ingests it again', async () => {
    const ws = fresh();
    const file = path.join(ws, 'batch.csv');
    writeFileSync(file, `${IRIS_HEADER}\n5.0,3.4,1.5,0.2,Setosa\n6.1,2.8,4.7,1.2,Versicolor\n`);
    const first = await cli(ws, 'ingest', '-d', 'iris', file);
    expectCliOk(first);
    const record = JSON.parse(readText(ws, 'data/iris/v1/ingested.json'));
    const [sha] = Object.keys(record.files);
    expect(record.files[sha]).toEqual({ file: 'batch.csv', ingestedAt: NOW, kind: 'rows' });

    const before = dataFingerprint(ws);
    const again = await cli(ws, 'ingest', '-d', 'iris', file, '--now', '2026-11-24T13:00:00Z');
    expect([again.code, again.out]).toEqual([
      0,
      `iris: batch.csv was already ingested on ${NOW} (sha256 ${sha}); use --again to ingest it again`,
    ]);
    expect(dataFingerprint(ws)).toBe(before);

    // The same bytes under another name are the same file.
    const copy = path.join(ws, 'copy.csv');
    cpSync(file, copy);
    expect((await cli(ws, 'ingest', '-d', 'iris', copy)).out).toBe(
      `iris: copy.csv was already ingested on ${NOW} as batch.csv (sha256 ${sha}); use --again to ingest it again`,
    );

    const rowsBefore = JSON.parse(readText(ws, STATS)).rows;
    const forced = await cli(ws, 'ingest', '-d', 'iris', file, '--again', '--now', '2026-11-24T13:00:00Z');
    expect([forced.code, forced.out]).toEqual([0, 'iris: added 2 rows from batch.csv, 0 quarantined']);
    expect(JSON.parse(readText(ws, STATS)).rows).toBe(rowsBefore + 2);
    expect(JSON.parse(readText(ws, 'data/iris/v1/ingested.json')).files[sha].ingestedAt).toBe(
      '2026-11-24T13:00:00Z',
    );
  });

  it('a dry run of an ingested file says it would be skipped and writes nothing', async () => {
    const ws = fresh();
    const file = path.join(ws, 'batch.csv');
    writeFileSync(file, `${IRIS_HEADER}\n5.0,3.4,1.5,0.2,Setosa\n`);
    expect((await cli(ws, 'ingest', '-d', 'iris', file)).code).toBe(0);
    const before = dataFingerprint(ws);
    const dry = await cli(ws, 'ingest', '-d', 'iris', file, '--dry-run');
    expect(dry.out).toMatch(
      /^iris: batch\.csv was already ingested on 2026-11-24T12:00:00Z \(sha256 [0-9a-f]{64}\)/,
    );
    expect(dataFingerprint(ws)).toBe(before);
  });

  it('a corrupt ingested.json is named, with the way to restore it', async () => {
    const ws = fresh();
    writeText(ws, 'data/iris/v1/ingested.json', '{"format":');
    const file = path.join(ws, 'batch.csv');
    writeFileSync(file, `${IRIS_HEADER}\n5.0,3.4,1.5,0.2,Setosa\n`);
    const r = await cli(ws, 'ingest', '-d', 'iris', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^gitml ingest: data\/iris\/v1\/ingested\.json: corrupt record of ingested files, it ends too early, after 10 characters \(truncated\); restore it with git \(git checkout -- data\/iris\/v1\/ingested\.json\)$/,
    );
  });
});

describe('ingest action: a re-run after an interrupted ingest adds nothing twice', () => {
  beforeAll(() => requireBundles('ingest'));

  it('a file whose rows are already in (the run stopped before removing it) is skipped and removed; again: true forces', async () => {
    const ws = fresh();
    const rel = 'inbox/iris/batch.csv';
    const text = `${IRIS_HEADER}\n5.0,3.4,1.5,0.2,Setosa\n6.1,2.8,4.7,1.2,Versicolor\n`;
    mkdirSync(path.join(ws, 'inbox/iris'), { recursive: true });
    writeText(ws, rel, text);
    // The interrupted run: rows and the record written, the file still in the inbox.
    const first = await runActionBundle('ingest', { now: NOW, 'keep-files': 'true' }, { workspace: ws });
    expectCliOk(first);
    expect(first.outputs['rows-added']).toBe('2');
    const before = dataFingerprint(ws);

    const rerun = await runActionBundle('ingest', { now: NOW }, { workspace: ws });
    expectCliOk(rerun);
    const sha = Object.keys(JSON.parse(readText(ws, 'data/iris/v1/ingested.json')).files)[0];
    const message = `${rel} was already ingested on ${NOW} (sha256 ${sha}); use input 'again: true' to ingest it again`;
    expect(rerun.stdout).toContain(message);
    expect(rerun.outputs['rows-added']).toBe('0');
    expect(rerun.outputs['skipped-files']).toBe('1');
    expect(JSON.parse(rerun.outputs.files)).toEqual([
      { file: rel, dataset: 'iris', kind: 'rows', added: 0, quarantined: 0, skipped: message },
    ]);
    expect(dataFingerprint(ws)).toBe(before);
    expect(existsSync(path.join(ws, rel))).toBe(false);

    writeText(ws, rel, text);
    const forced = await runActionBundle('ingest', { now: NOW, again: 'true' }, { workspace: ws });
    expectCliOk(forced);
    expect(forced.outputs['rows-added']).toBe('2');
  });
});

describe('model files are checked against the registry', () => {
  const MODEL = 'models/iris/v1/model.json';
  const INDEX = 'models/iris/index.json';
  const ROW = '{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}';

  it('the registry records the sha256 of model.json; a tampered model is refused, naming the file', async () => {
    const ws = fresh();
    expect(JSON.parse(readText(ws, INDEX)).versions[0].modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await cli(ws, 'predict', '-d', 'iris', ROW)).code).toBe(0);
    writeText(ws, MODEL, readText(ws, MODEL).replace(/(\d)\.(\d+)/g, '1e308'));
    const message = `${MODEL}: content does not match ${INDEX} (sha256 differs): the model file was edited by hand; ${restore(MODEL)}`;
    const r = await cli(ws, 'predict', '-d', 'iris', ROW);
    expect([r.code, r.err]).toEqual([1, `gitml predict: ${message}`]);
    const infer = await cli(ws, 'infer', '-d', 'iris');
    expect([infer.code, infer.err]).toEqual([1, `gitml infer: ${message}`]);
  });

  it('an entry registered before the hashes loads, and gets its hash at the next registry write', async () => {
    const ws = fresh();
    editJson(ws, INDEX, (idx) => {
      for (const v of idx.versions as Record<string, unknown>[]) delete v.modelSha256;
    });
    expect((await cli(ws, 'predict', '-d', 'iris', ROW)).code).toBe(0);
    expect((await cli(ws, 'train', '-d', 'iris', '--no-search', '--force')).code).toBe(0);
    const versions = JSON.parse(readText(ws, INDEX)).versions;
    expect(versions.length).toBe(2);
    for (const v of versions) expect(v.modelSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('rejected.csv is never appended to when broken', () => {
  const REJECTED = 'data/iris/v1/rejected.csv';
  /** A file with a good and a bad row; `width` makes each call's file a different one. */
  async function ingestWithQuarantine(ws: string, width = '3.4') {
    const file = path.join(ws, 'bad.csv');
    writeFileSync(file, `${IRIS_HEADER}\n5.0,${width},1.5,0.2,Setosa\nabc,3.4,1.5,0.2,Setosa\n`);
    const before = dataFingerprint(ws);
    const r = await cli(ws, 'ingest', '-d', 'iris', file);
    return { ...r, unchanged: dataFingerprint(ws) === before };
  }
  const fix = `new quarantined rows are not appended to a broken file; ${restore(REJECTED)}`;

  it('a healthy file gets the new records (exit 2)', async () => {
    const ws = fresh();
    const r = await ingestWithQuarantine(ws);
    expect(r.code).toBe(2);
    const second = path.join(ws, 'bad2.csv');
    writeFileSync(second, `${IRIS_HEADER}\nxyz,3.4,1.5,0.2,Setosa\n`);
    expect((await cli(ws, 'ingest', '-d', 'iris', second)).code).toBe(2);
    expect(readText(ws, REJECTED).trim().split('\n').length).toBe(3);
  });

  it('truncated in the middle of a record', async () => {
    const ws = fresh();
    expect((await ingestWithQuarantine(ws)).code).toBe(2);
    const text = readText(ws, REJECTED);
    writeText(ws, REJECTED, text.slice(0, text.length - 10));
    const file = path.join(ws, 'more.csv');
    writeFileSync(file, `${IRIS_HEADER}\nxyz,3.4,1.5,0.2,Setosa\n`);
    const before = dataFingerprint(ws);
    const r = await cli(ws, 'ingest', '-d', 'iris', file);
    expect([r.code, r.err]).toEqual([
      1,
      `gitml ingest: ${REJECTED}: the last line is incomplete (truncated); ${fix}`,
    ]);
    expect(dataFingerprint(ws)).toBe(before);
  });

  it('a record line deleted', async () => {
    const ws = fresh();
    expect((await ingestWithQuarantine(ws)).code).toBe(2);
    writeText(ws, REJECTED, `${readText(ws, REJECTED).split('\n')[0]}\n`);
    const r = await ingestWithQuarantine(ws, '3.3');
    expect([r.code, r.err, r.unchanged]).toEqual([
      1,
      `gitml ingest: ${REJECTED}: has 0 records but ${STATS} counts 1 rejected: lines were deleted or added by hand; ${fix}`,
      true,
    ]);
  });

  it('a broken header', async () => {
    const ws = fresh();
    writeText(ws, REJECTED, 'detected_at,origin\n');
    const r = await ingestWithQuarantine(ws);
    expect([r.code, r.err, r.unchanged]).toEqual([
      1,
      `gitml ingest: ${REJECTED} line 1: header 'detected_at,origin' is not 'detected_at,origin,line,reason,record'; ${fix}`,
      true,
    ]);
  });
});
