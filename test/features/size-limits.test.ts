// Size limits: a feature-group month and a prediction-log month continue in a next piece before a file
// reaches GitHub's 50 MiB warning (100 MiB refusal). The limit is set to a few KB here (the env setting
// the writers read) so the split happens on small files; every reader must see the same rows as with
// one file per month.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CsvRecord, parseCsvText } from '../../actions/lib/features/csv-input.js';
import { streamCsvFile } from '../../actions/lib/features/csv-stream.js';
import {
  comparePieceKeys,
  DEFAULT_MAX_PIECE_BYTES,
  MAX_PIECE_BYTES_ENV,
  maxPieceBytes,
  parsePieceKey,
  startsOfPieces,
} from '../../actions/lib/features/size-limits.js';
import { sha256Hex } from '../../actions/lib/files/sha256.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { compareRecords, PredictionLog } from '../../actions/lib/reports/prediction-log.js';
import { cli, commit, fingerprint, makeWorkspace, read } from '../helpers/workspace.js';

const MiB = 1024 * 1024;

afterEach(() => {
  delete process.env[MAX_PIECE_BYTES_ENV];
});

async function ok(root: string, ...args: string[]) {
  const r = await cli(root, ...args);
  if (r.code !== 0) throw new Error(`gitml ${args.join(' ')} exited ${r.code}:\n${r.out}\n${r.err}`);
  return r;
}

/** Files of a folder matching a pattern, in the order a reader takes them (month, then piece). */
function pieces(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort((a, b) => comparePieceKeys(keyOf(a), keyOf(b)));
}
const keyOf = (f: string) => /(\d{4}-\d{2}(?:-\d+)?)\.csv$/.exec(f)![1];

/** The data lines of a folder's pieces, headers dropped: what one file per month would hold. */
function dataLines(dir: string, pattern: RegExp): string[] {
  return pieces(dir, pattern).flatMap((f) =>
    readFileSync(path.join(dir, f), 'utf8').split('\n').slice(1).filter(Boolean),
  );
}

const STATS = 'data/iris/v1/stats.json';
const statsJson = (ws: string) => JSON.parse(read(ws, STATS));
/** stats.json but its sha256 record: what must not depend on how months are cut into pieces. */
function statsWithoutHashes(ws: string): unknown {
  const { partitionSha256: _hashes, ...rest } = statsJson(ws);
  return rest;
}
/** The integrity record a folder's pieces must have: each file's sha256 under its key (YYYY-MM[-N]). */
function pieceHashes(dir: string, pattern: RegExp): Record<string, string> {
  return Object.fromEntries(
    pieces(dir, pattern).map((f) => [keyOf(f), sha256Hex(readFileSync(path.join(dir, f)))]),
  );
}

describe('the limit', () => {
  it('defaults to 45 MiB, under GitHub’s 50 MiB warning (and its 100 MiB refusal)', () => {
    expect(DEFAULT_MAX_PIECE_BYTES).toBe(45 * MiB);
    expect(DEFAULT_MAX_PIECE_BYTES).toBeLessThan(50 * MiB);
    expect(maxPieceBytes({})).toBe(DEFAULT_MAX_PIECE_BYTES);
    expect(maxPieceBytes({ [MAX_PIECE_BYTES_ENV]: '4096' })).toBe(4096);
  });

  it.each(['abc', '100', '1e6', '52428801', '-5'])('refuses %s with the bounds in the message', (v) => {
    expect(() => maxPieceBytes({ [MAX_PIECE_BYTES_ENV]: v })).toThrow(
      `GITML_MAX_PIECE_BYTES='${v}' must be a whole number of bytes from 1024 to 52428800 (GitHub warns over 50 MiB); unset it for the default 47185920`,
    );
  });

  it('cuts lines into pieces that stay under the limit, at least one line each', () => {
    // header 10, limit 30: 10+8+8 = 26, +8 would be 34 → next piece.
    expect(startsOfPieces([8, 8, 8, 8, 8], 10, 30)).toEqual([0, 2, 4]);
    // An existing piece holding 25 bytes takes no line of 8: the first new line starts a piece.
    expect(startsOfPieces([8, 8], 10, 30, 25)).toEqual([0, 0]);
    // A line longer than the limit still gets a piece of its own.
    expect(startsOfPieces([50, 5], 10, 30)).toEqual([0, 1]);
    expect(parsePieceKey('2026-11')).toEqual({ month: '2026-11', piece: 1 });
    expect(parsePieceKey('2026-11-12')).toEqual({ month: '2026-11', piece: 12 });
    expect(parsePieceKey('2026-11-1')).toBeNull();
    expect(parsePieceKey('2026-11-02')).toBeNull();
    expect(['2026-12', '2026-11-10', '2026-11-2', '2026-11'].sort(comparePieceKeys)).toEqual([
      '2026-11',
      '2026-11-2',
      '2026-11-10',
      '2026-12',
    ]);
  });
});

describe('feature-group partitions', () => {
  const ROWS = /^rows-.*\.csv$/;

  it('continue in rows-YYYY-MM-2.csv, -3, … past the limit; every reader sees the rows of one file', async () => {
    const whole = makeWorkspace(['iris'], { git: true });
    const split = makeWorkspace(['iris'], { git: true });
    await ok(whole, 'backfill');
    process.env[MAX_PIECE_BYTES_ENV] = '2048';
    await ok(split, 'backfill');
    const dir = path.join(split, 'data/iris/v1');
    const files = pieces(dir, ROWS);
    expect(files).toEqual([
      'rows-2026-11.csv',
      'rows-2026-11-2.csv',
      'rows-2026-11-3.csv',
      'rows-2026-11-4.csv',
      'rows-2026-11-5.csv',
    ]);
    const header = read(whole, 'data/iris/v1/rows-2026-11.csv').split('\n')[0];
    for (const f of files) {
      expect(statSync(path.join(dir, f)).size).toBeLessThanOrEqual(2048);
      expect(readFileSync(path.join(dir, f), 'utf8').split('\n')[0]).toBe(header);
    }
    // The same rows in the same order, and the same stats.json (counts by month, not by piece) but for
    // the integrity record, which holds the sha256 of each piece file under its key.
    expect(dataLines(dir, ROWS)).toEqual(dataLines(path.join(whole, 'data/iris/v1'), ROWS));
    expect(statsWithoutHashes(split)).toEqual(statsWithoutHashes(whole));
    expect(statsJson(split).partitionSha256).toEqual(pieceHashes(dir, ROWS));
    for (const args of [
      ['stats', '-d', 'iris', '--json'],
      ['show', '-d', 'iris'],
    ]) {
      expect((await ok(split, ...args)).out).toBe((await ok(whole, ...args)).out);
    }

    // Appending: earlier pieces stay as they are, the last grows, then the month continues.
    commit(split, 'backfill', '2026-11-20T00:00:00Z');
    commit(whole, 'backfill', '2026-11-20T00:00:00Z');
    const before = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
    const csv = path.join(os.tmpdir(), `gitml-limits-${process.pid}.csv`);
    const lines = ['event_time,sepal_length,sepal_width,petal_length,petal_width,variety'];
    for (let i = 0; i < 60; i++) lines.push(`2026-11-2${i % 3}T10:00:00Z,5.${i % 10},3.1,1.4,0.2,Setosa`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    await ok(split, 'ingest', '-d', 'iris', csv);
    delete process.env[MAX_PIECE_BYTES_ENV];
    await ok(whole, 'ingest', '-d', 'iris', csv);
    const after = pieces(dir, ROWS);
    expect(after.length).toBeGreaterThan(files.length);
    for (const f of files.slice(0, -1)) expect(readFileSync(path.join(dir, f), 'utf8')).toBe(before[f]);
    const last = files[files.length - 1];
    expect(readFileSync(path.join(dir, last), 'utf8').startsWith(before[last])).toBe(true);
    for (const f of after) expect(statSync(path.join(dir, f)).size).toBeLessThanOrEqual(2048);
    expect(dataLines(dir, ROWS)).toEqual(dataLines(path.join(whole, 'data/iris/v1'), ROWS));
    expect(statsWithoutHashes(split)).toEqual(statsWithoutHashes(whole));
    expect(statsJson(split).partitionSha256).toEqual(pieceHashes(dir, ROWS));

    // Time travel reads the pieces a revision had.
    commit(split, 'ingest', '2026-11-24T00:00:00Z');
    const asOf = ['stats', '-d', 'iris', '--json', '--as-of', '2026-11-21'];
    const then = JSON.parse((await ok(split, ...asOf)).out);
    expect(then.stats).toEqual(JSON.parse((await ok(whole, ...asOf)).out).stats);
    expect(then.stats.rows).toBe(150);
    rmSync(csv);
  });

  it('a month written before as one big file keeps opening; the next append starts a new piece', async () => {
    const ws = makeWorkspace(['iris']);
    await ok(ws, 'backfill');
    const dir = path.join(ws, 'data/iris/v1');
    const old = read(ws, 'data/iris/v1/rows-2026-11.csv');
    expect(old.length).toBeGreaterThan(2048);
    process.env[MAX_PIECE_BYTES_ENV] = '2048';
    await ok(ws, 'generate', '--date', '2026-11-20', '--rows', '5');
    expect(read(ws, 'data/iris/v1/rows-2026-11.csv')).toBe(old);
    expect(pieces(dir, ROWS)).toEqual(['rows-2026-11.csv', 'rows-2026-11-2.csv']);
    expect(read(ws, 'data/iris/v1/rows-2026-11-2.csv').split('\n')).toHaveLength(7); // header, 5 rows, ''
    expect(JSON.parse(read(ws, 'data/iris/v1/stats.json')).partitions).toEqual({ '2026-11': 155 });
  });

  it('a missing piece in the middle is named, with the way to restore it', async () => {
    process.env[MAX_PIECE_BYTES_ENV] = '2048';
    const ws = makeWorkspace(['iris']);
    await ok(ws, 'backfill');
    rmSync(path.join(ws, 'data/iris/v1/rows-2026-11-3.csv'));
    const r = await cli(ws, 'stats', '-d', 'iris');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'data/iris/v1/rows-2026-11-3.csv: missing, but month 2026-11 has pieces up to rows-2026-11-5.csv; restore it with git (git checkout -- data/iris/v1/rows-2026-11-3.csv)',
    );
  });
});

describe('integrity of a month in pieces', () => {
  const DIR = 'data/iris/v1';
  const piece = (n: number) => `${DIR}/rows-2026-11${n === 1 ? '' : `-${n}`}.csv`;
  const restore = (f: string) =>
    `restore it with git (git checkout -- ${f}; git log -p -- ${f} shows what changed)`;
  const rowsIn = (ws: string, f: string) => read(ws, f).split('\n').slice(1).filter(Boolean).length;

  /** Iris backfilled with 2 KB pieces: month 2026-11 is rows-2026-11.csv … rows-2026-11-5.csv. */
  async function splitGroup(): Promise<string> {
    process.env[MAX_PIECE_BYTES_ENV] = '2048';
    const ws = makeWorkspace(['iris']);
    await ok(ws, 'backfill');
    expect(pieces(path.join(ws, DIR), /^rows-2026-11.*\.csv$/)).toHaveLength(5);
    return ws;
  }

  /** Readers and writers refuse with exactly `message` and write nothing. */
  async function refused(ws: string, message: string): Promise<void> {
    const before = fingerprint(path.join(ws, 'data'));
    for (const args of [
      ['stats', '-d', 'iris'],
      ['generate', '-d', 'iris', '--date', '2026-11-23', '--days', '1'],
      ['train', '-d', 'iris', '--shard', '1/1', '--partials', path.join(ws, 'p')],
    ]) {
      const r = await cli(ws, ...args);
      expect({ args, code: r.code, err: r.err }).toEqual({
        args,
        code: 1,
        err: `gitml ${args[0]}: ${message}`,
      });
    }
    expect(fingerprint(path.join(ws, 'data'))).toBe(before);
  }

  it('a piece edited by hand is named by its own sha256', async () => {
    const ws = await splitGroup();
    const l = read(ws, piece(3)).split('\n');
    l.splice(2, 1);
    writeFileSync(path.join(ws, piece(3)), l.join('\n'));
    await refused(
      ws,
      `${piece(3)}: content does not match ${STATS} (sha256 differs; 149 rows in 2026-11, 150 recorded): the partition was truncated or edited by hand; ${restore(piece(3))}`,
    );
  });

  it('the last piece deleted, or a piece added, is named', async () => {
    const ws = await splitGroup();
    const lost = rowsIn(ws, piece(5));
    const copy = path.join(os.tmpdir(), `gitml-piece-${process.pid}.csv`);
    cpSync(path.join(ws, piece(5)), copy);
    rmSync(path.join(ws, piece(5)));
    await refused(ws, `${piece(5)}: listed in ${STATS} (${lost} rows) but missing; ${restore(piece(5))}`);
    cpSync(copy, path.join(ws, piece(5)));
    rmSync(copy);
    writeFileSync(path.join(ws, piece(6)), `${read(ws, piece(1)).split('\n')[0]}\n`);
    await refused(
      ws,
      `${piece(6)}: not in ${STATS}: the partition was added or renamed by hand; remove it (git rm ${piece(6)}) or restore ${STATS} with git (git checkout -- ${STATS})`,
    );
  });

  it('a row filed under the wrong month is named in its piece, at its line', async () => {
    const ws = await splitGroup();
    const l = read(ws, piece(2)).split('\n');
    l[2] = l[2].replace('2026-11-01T00:00:00Z', '2026-10-01T00:00:00Z');
    writeFileSync(path.join(ws, piece(2)), l.join('\n'));
    // stats.json edited to match, so the row check (not the hash) is what refuses.
    const stats = statsJson(ws);
    stats.partitionSha256['2026-11-2'] = sha256Hex(readFileSync(path.join(ws, piece(2))));
    writeFileSync(path.join(ws, STATS), JSON.stringify(stats));
    await refused(
      ws,
      `${piece(2)} line 3: event_time 2026-10-01T00:00:00Z is not in 2026-11: the row was filed under the wrong month by hand; ${restore(piece(2))}`,
    );
  });

  it('a stale nextId names the piece that holds the largest id', async () => {
    const ws = await splitGroup();
    const stats = statsJson(ws);
    stats.nextId = 100;
    writeFileSync(path.join(ws, STATS), JSON.stringify(stats));
    const inbox = path.join(ws, 'new.csv');
    writeFileSync(
      inbox,
      'sepal_length,sepal_width,petal_length,petal_width,variety\n5.0,3.4,1.5,0.2,Setosa\n',
    );
    const before = fingerprint(path.join(ws, 'data'));
    const r = await cli(ws, 'ingest', '-d', 'iris', inbox);
    expect([r.code, r.err]).toEqual([
      1,
      `gitml ingest: ${STATS}: nextId 100 is not above the largest stored id 150 (in ${piece(5)}): new rows would reuse ids; ${STATS} is stale or was edited by hand; ${restore(STATS)}`,
    ]);
    expect(fingerprint(path.join(ws, 'data'))).toBe(before);
  });

  it('a group written before the hashes (pieces, no partitionSha256) opens by row count; its next write records each piece', async () => {
    const ws = await splitGroup();
    const stats = statsJson(ws);
    delete stats.partitionSha256;
    writeFileSync(path.join(ws, STATS), JSON.stringify(stats));
    expect(JSON.parse((await ok(ws, 'stats', '-d', 'iris', '--json')).out).stats.rows).toBe(150);
    const l = read(ws, piece(4)).split('\n');
    writeFileSync(path.join(ws, piece(4)), [...l.slice(0, 2), ...l.slice(3)].join('\n'));
    const r = await cli(ws, 'stats', '-d', 'iris');
    expect([r.code, r.err]).toEqual([
      1,
      `gitml stats: ${[1, 2, 3, 4, 5].map(piece).join(', ')}: have 149 rows but ${STATS} records 150: a line was deleted or duplicated by hand; ${restore(piece(5))}`,
    ]);
    writeFileSync(path.join(ws, piece(4)), l.join('\n'));
    await ok(ws, 'generate', '-d', 'iris', '--date', '2026-11-23', '--days', '1');
    expect(statsJson(ws).partitionSha256).toEqual(pieceHashes(path.join(ws, DIR), /^rows-.*\.csv$/));
  });

  it('a streamed ingest into pieces is idempotent: ingested.json is written with the rows, a repeat is skipped', async () => {
    const ws = await splitGroup();
    const inbox = path.join(ws, 'batch.csv');
    const rows = ['event_time,sepal_length,sepal_width,petal_length,petal_width,variety'];
    for (let i = 0; i < 40; i++) rows.push(`2026-11-2${i % 3}T10:00:00Z,5.${i % 10},3.1,1.4,0.2,Setosa`);
    writeFileSync(inbox, `${rows.join('\n')}\n`);
    await ok(ws, 'ingest', '-d', 'iris', inbox, '--now', '2026-11-24T12:00:00Z');
    const sha = sha256Hex(readFileSync(inbox));
    expect(JSON.parse(read(ws, `${DIR}/ingested.json`)).files[sha]).toEqual({
      file: 'batch.csv',
      ingestedAt: '2026-11-24T12:00:00Z',
      kind: 'rows',
    });
    expect(statsJson(ws).rows).toBe(190);
    expect(statsJson(ws).partitionSha256).toEqual(pieceHashes(path.join(ws, DIR), /^rows-.*\.csv$/));
    const before = fingerprint(path.join(ws, 'data'));
    const again = await ok(ws, 'ingest', '-d', 'iris', inbox);
    expect(again.out).toContain('batch.csv was already ingested on 2026-11-24T12:00:00Z');
    expect(fingerprint(path.join(ws, 'data'))).toBe(before);
    // A file of late labels is recorded with them, in the same batch.
    const labels = path.join(ws, 'labels.csv');
    writeFileSync(labels, 'id,variety\n1,Setosa\n');
    const r = await cli(ws, 'ingest', '-d', 'iris', labels, '--now', '2026-11-24T13:00:00Z');
    expect(r.code).toBe(2); // id 1 already has its label: quarantined
    expect(JSON.parse(read(ws, `${DIR}/ingested.json`)).files[sha256Hex(readFileSync(labels))]).toEqual({
      file: 'labels.csv',
      ingestedAt: '2026-11-24T13:00:00Z',
      kind: 'labels',
    });
    expect((await ok(ws, 'ingest', '-d', 'iris', labels)).out).toContain('labels.csv was already ingested');
  });
});

describe('the prediction log', () => {
  const LOG = /^predictions-.*\.csv$/;

  /** A trained iris workspace with two months of generated rows. */
  async function trained(): Promise<string> {
    const ws = makeWorkspace(['iris']);
    await ok(ws, 'backfill');
    await ok(ws, 'generate', '--date', '2026-10-20', '--days', '3', '--rows', '12');
    await ok(ws, 'generate', '--date', '2026-11-20', '--days', '2', '--rows', '10');
    await ok(ws, 'train', '--algorithm', 'gaussian-nb', '--no-search', '--include-synthetic');
    return ws;
  }

  it('continues a month in predictions-YYYY-MM-2.csv, …, each piece in the manifest; monitor reads them', async () => {
    const base = await trained();
    const whole = path.join(os.tmpdir(), `gitml-limits-whole-${process.pid}`);
    cpSync(base, whole, { recursive: true });
    await ok(whole, 'infer');
    process.env[MAX_PIECE_BYTES_ENV] = '1024';
    await ok(base, 'infer');
    const dir = path.join(base, 'reports/iris');
    const files = pieces(dir, LOG);
    expect(files.length).toBeGreaterThan(3);
    expect(files[0]).toBe('predictions-2026-10.csv');
    expect(files).toContain('predictions-2026-10-2.csv');
    expect(files).toContain('predictions-2026-11-2.csv');
    for (const f of files) expect(statSync(path.join(dir, f)).size).toBeLessThanOrEqual(1024);
    expect(dataLines(dir, LOG)).toEqual(dataLines(path.join(whole, 'reports/iris'), LOG));
    const manifest = JSON.parse(read(base, 'reports/iris/monitoring.json')).log.partitions;
    expect(Object.keys(manifest).sort(comparePieceKeys)).toEqual(files.map(keyOf));

    // Monitor reads every piece: the same report as from one file per month (but for the manifest).
    await ok(base, 'monitor');
    delete process.env[MAX_PIECE_BYTES_ENV];
    await ok(whole, 'monitor');
    const report = (ws: string) => {
      const { log: _log, ...rest } = JSON.parse(read(ws, 'reports/iris/monitoring.json'));
      return rest;
    };
    expect(report(base)).toEqual(report(whole));
    // The report links the latest month's last piece, where its newest predictions are.
    await ok(base, 'report');
    const lastOfNovember = files.filter((f) => f.startsWith('predictions-2026-11')).pop()!;
    expect(lastOfNovember).not.toBe('predictions-2026-11.csv');
    expect(read(base, 'reports/iris/README.md')).toContain(`[${lastOfNovember}](${lastOfNovember})`);

    // A hand-deleted piece is caught like a hand-edited month.
    rmSync(path.join(dir, 'predictions-2026-10-2.csv'));
    process.env[MAX_PIECE_BYTES_ENV] = '1024';
    const r = await cli(base, 'infer');
    expect(r.code).toBe(1);
    expect(r.err).toContain('reports/iris/predictions-2026-10-2.csv: listed in the log entry of');
    rmSync(whole, { recursive: true });
  });

  it('sharded inference writes the same pieces as infer', async () => {
    process.env[MAX_PIECE_BYTES_ENV] = '1024';
    const a = await trained();
    const b = path.join(os.tmpdir(), `gitml-limits-shards-${process.pid}`);
    cpSync(a, b, { recursive: true });
    await ok(a, 'infer');
    const partials = path.join(b, '.partials');
    for (let i = 1; i <= 2; i++) await ok(b, 'infer', '--shard', `${i}/2`, '--partials', partials);
    await ok(b, 'infer', '--merge', '--partials', partials);
    expect(fingerprint(path.join(b, 'reports'))).toBe(fingerprint(path.join(a, 'reports')));
    expect(pieces(path.join(b, 'reports/iris'), LOG).length).toBeGreaterThan(3);
    rmSync(b, { recursive: true });
  });

  it('a month cut into fewer pieces (the limit raised) leaves no stale piece behind', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gitml-limits-log-'));
    const log = new PredictionLog(new Workspace(dir), 'toy', ['a', 'b']);
    const records = Array.from({ length: 100 }, (_, i) => ({
      id: i + 1,
      eventTime: `2026-11-0${1 + (i % 9)}T00:00:00Z`,
      predictedAt: '2026-11-24T12:00:00Z',
      modelVersion: 1,
      predicted: 'a',
      probability: 0.5,
      actual: null,
    }));
    process.env[MAX_PIECE_BYTES_ENV] = '1024';
    log.write(records);
    const logDir = path.join(dir, 'reports/toy');
    expect(pieces(logDir, LOG).length).toBeGreaterThan(5);
    expect(log.read()).toHaveLength(100);
    process.env[MAX_PIECE_BYTES_ENV] = '4096';
    log.write(records);
    const now = pieces(logDir, LOG);
    expect(now).toEqual(['predictions-2026-11.csv', 'predictions-2026-11-2.csv']);
    expect(Object.keys(log.manifest().partitions)).toEqual(['2026-11', '2026-11-2']);
    const inOrder = [...records].sort((x, y) => compareRecords(x, y)).map((r) => r.id);
    expect(log.read().map((r) => r.id)).toEqual(inOrder);
    rmSync(dir, { recursive: true });
  });
});

describe('streamed ingest', () => {
  /** A CSV over the 1 MiB read chunk: BOM, CRLF, quoted fields, a quoted newline, two bad rows. */
  function bigCsv(): { text: string; bad: number[] } {
    const lines = ['\uFEFFsepal_length,sepal_width,petal_length,petal_width,variety'];
    for (let i = 0; i < 40_000; i++) lines.push(`"5.${i % 10}",3.1,1.4,0.2,"Setosa"`);
    lines[15_000] = '"abc",3.1,1.4,0.2,"Setosa"'; // line 15001
    lines[20_000] = '5.1,3.1,1.4,0.2,"Set\nosa"'; // starts on line 20001, ends on 20002
    lines[23_000] = '5.1,3.1,1.4,0.2,Versicolour'; // line 23002 (the quoted newline shifted it)
    return { text: `${lines.join('\r\n')}\r\n`, bad: [15_001, 20_001, 23_002] };
  }

  it('hands over the records parseCsvText gives for the whole text, across read chunks', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gitml-limits-csv-'));
    const { text } = bigCsv();
    writeFileSync(path.join(dir, 'big.csv'), text);
    expect(Buffer.byteLength(text)).toBeGreaterThan(1 << 20);
    const streamed: CsvRecord[] = [];
    let header: string[] = [];
    streamCsvFile(dir, 'big.csv', 'big.csv', undefined, {
      onHeader: (h) => {
        header = h;
      },
      onRecord: (r) => streamed.push(r),
    });
    const whole = parseCsvText(text, 'big.csv');
    expect(header).toEqual(whole.header);
    expect(streamed).toEqual(whole.records);
    rmSync(dir, { recursive: true });
  });

  it('ingests a file bigger than a read chunk, quarantining bad rows by their line', async () => {
    const ws = makeWorkspace(['iris']);
    await ok(ws, 'backfill');
    const { text, bad } = bigCsv();
    writeFileSync(path.join(ws, 'big.csv'), text);
    const r = await cli(ws, 'ingest', '-d', 'iris', path.join(ws, 'big.csv'));
    expect(r.code).toBe(2);
    expect(r.out).toContain(`iris: added ${40_000 - 3} rows from big.csv, 3 quarantined`);
    for (const line of bad) expect(r.out).toContain(`big.csv line ${line}:`);
    expect(JSON.parse(read(ws, 'data/iris/v1/stats.json')).rows).toBe(150 + 40_000 - 3);
  });

  it('a malformed row late in a big file writes nothing and names the line', async () => {
    const ws = makeWorkspace(['iris']);
    await ok(ws, 'backfill');
    const before = fingerprint(path.join(ws, 'data'));
    const { text } = bigCsv();
    writeFileSync(path.join(ws, 'big.csv'), `${text}5.1,3.1,1.4\r\n`);
    const r = await cli(ws, 'ingest', '-d', 'iris', path.join(ws, 'big.csv'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('big.csv line 40003: has 3 fields, the header has 5');
    expect(fingerprint(path.join(ws, 'data'))).toBe(before);
  });
});
