// The prediction log: reports/<dataset>/predictions-YYYY-MM.csv, partitioned by event-time month, every
// partition sorted by event_time then id. Its manifest (each partition's sha256 and row count) is the
// `log` entry of monitoring.json: that file changes every day anyway, so the manifest adds no file of its
// own to the daily commit. Infer and the shard merge write that entry and leave the rest of the file as
// it was; monitor writes the whole file and carries the entry over. A truncated or hand-edited partition
// no longer matches its entry: it is detected, reported, and nothing is overwritten. Logs written before
// kept the manifest in predictions.json; it is read, and removed once monitoring.json holds the entry.
// A regression log (numeric label) has the predicted value and its interval instead of a class and its
// probability: id,event_time,predicted_at,model_version,predicted,low,high,actual.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { GitmlError } from '../core/gitml-error.js';
import { parseJsonObject, parseJsonText, stableStringify, stableStringifyRows } from '../core/json.js';
import { parseIsoInstant, parseNumberBytes } from '../features/partition-reader.js';
import { comparePieceKeys, maxPieceBytes, parsePieceKey, pieceKey } from '../features/size-limits.js';
import {
  atomicTempPath,
  type FileRemove,
  type FileStaged,
  type FileWrite,
  writeFilesAtomically,
} from '../files/atomic-write.js';
import { readInputFile } from '../files/input-file.js';
import type { Workspace } from '../files/workspace.js';
import {
  type LogManifest,
  MONITORING_FILE,
  MONITORING_FORMAT,
  type PredictionRecord,
} from '../monitoring/monitoring-types.js';
import { formatPredictedValue, type RegressionLogLabel } from '../monitoring/predicted-value.js';

export const LOG_COLUMNS = [
  'id',
  'event_time',
  'predicted_at',
  'model_version',
  'predicted',
  'probability',
  'actual',
];

/** A regression log's columns: the predicted value with its interval, and the actual value. */
export const REGRESSION_LOG_COLUMNS = [
  'id',
  'event_time',
  'predicted_at',
  'model_version',
  'predicted',
  'low',
  'high',
  'actual',
];

export class PredictionLogError extends GitmlError {
  override name = 'PredictionLogError';
}
const logError = (message: string) => new PredictionLogError(message);

export {
  formatPredictedValue,
  predictionDecimals,
  type RegressionLogLabel,
} from '../monitoring/predicted-value.js';
export type { LogManifest };

/** The manifest's own file in logs written before. */
const EARLIER_MANIFEST = 'predictions.json';
/** A month's file, or one of its later pieces (predictions-YYYY-MM-N.csv, see size-limits.ts). */
const PARTITION = /^predictions-(\d{4}-\d{2}(?:-\d+)?)\.csv$/;

/**
 * The file of one month's partition, e.g. predictions-2026-11.csv, or of a later piece of it by its key
 * (predictions-2026-11-2.csv): a month past the size limit continues in pieces, each its own entry.
 */
export function logPartitionFile(key: string): string {
  return `predictions-${key}.csv`;
}

/** Log lines joined per block while rendering: short-lived strings stay young for the garbage collector. */
const LINES_PER_BLOCK = 4096;

const sha = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

export class PredictionLog {
  constructor(
    readonly ws: Workspace,
    readonly dataset: string,
    readonly classes: readonly string[],
    /** Set for a regression log (then `classes` is empty). */
    readonly regression: RegressionLogLabel | null = null,
  ) {}

  /** The log's header columns: the classification or the regression ones. */
  get columns(): string[] {
    return this.regression ? REGRESSION_LOG_COLUMNS : LOG_COLUMNS;
  }

  get dir(): string {
    return path.join(this.ws.reportsDir, this.dataset);
  }
  /** The file whose `log` entry is the manifest: monitoring.json, beside the partitions. */
  get manifestPath(): string {
    return path.join(this.dir, MONITORING_FILE);
  }
  /** How messages name the manifest. */
  get manifestName(): string {
    return `the log entry of ${this.ws.rel(this.manifestPath)}`;
  }
  private get earlierManifestPath(): string {
    return path.join(this.dir, EARLIER_MANIFEST);
  }
  partitionPath(month: string): string {
    return path.join(this.dir, logPartitionFile(month));
  }

  /** monitoring.json as it is on disk (any fields), or null when there is none yet. */
  private monitoringFile(): Record<string, unknown> | null {
    if (!existsSync(this.manifestPath)) return null;
    const text = readInputFile(this.ws.root, this.manifestPath).toString('utf8');
    // It holds the log's manifest, so it cannot simply be recomputed: git has the last good one.
    const where = this.ws.rel(this.manifestPath);
    const value = parseJsonObject(text, where, 'monitoring report', logError);
    if (value.format !== MONITORING_FORMAT)
      throw logError(
        `${where}: corrupt monitoring report, format is not '${MONITORING_FORMAT}'; restore it with git (git checkout -- ${where})`,
      );
    return value;
  }

  /** The manifest: monitoring.json's `log` entry, else an earlier predictions.json, else empty. */
  manifest(): LogManifest {
    const earlier = path.join(this.dir, 'predictions', 'manifest.json');
    if (existsSync(earlier))
      throw new PredictionLogError(
        `${this.ws.rel(earlier)}: the log is in an earlier layout; move predictions/YYYY-MM.csv to predictions-YYYY-MM.csv and predictions/manifest.json to ${EARLIER_MANIFEST} (git mv), then run again`,
      );
    const monitoring = this.monitoringFile();
    if (monitoring && 'log' in monitoring) return checkManifest(monitoring.log, this.manifestName);
    if (existsSync(this.earlierManifestPath)) {
      const where = this.ws.rel(this.earlierManifestPath);
      const text = readInputFile(this.ws.root, this.earlierManifestPath).toString('utf8');
      return checkManifest(parseJsonText(text, where, 'manifest', logError), where);
    }
    const stray = existsSync(this.dir) ? readdirSync(this.dir).filter((f) => PARTITION.test(f)) : [];
    if (stray.length)
      throw new PredictionLogError(
        `${this.ws.rel(this.dir)}: partitions without a manifest (${stray.join(', ')}; ${this.manifestName} is missing): the log was edited by hand; restore it with git (git checkout -- ${this.ws.rel(this.manifestPath)})`,
      );
    return { partitions: {} };
  }

  /** A short fingerprint of the manifest (null without one): what a shard's work started from. */
  manifestDigest(): string | null {
    const m = this.manifest();
    return Object.keys(m.partitions).length ? sha(stableStringify(m)) : null;
  }

  /**
   * monitoring.json with its `log` entry set to `manifest` and every other field as it was; a new file
   * holds just the entry until monitor fills in the rest.
   */
  manifestWrite(manifest: LogManifest): { path: string; content: string } {
    const current = this.monitoringFile() ?? { format: MONITORING_FORMAT, version: 1, dataset: this.dataset };
    return { path: this.manifestPath, content: stableStringifyRows({ ...current, log: manifest }) };
  }

  /** After monitoring.json got the manifest: the earlier predictions.json goes. */
  retireEarlierManifest(): void {
    removeEarlierManifest(this.dir);
  }

  /** Reads and verifies every partition; records are sorted by event time then id. */
  read(): PredictionRecord[] {
    const m = this.listedManifest();
    const out: PredictionRecord[] = [];
    for (const month of Object.keys(m.partitions).sort(comparePieceKeys)) {
      for (const r of this.readPartition(month, m.partitions[month])) out.push(r);
    }
    return out;
  }

  /** The manifest, after checking that every partition file on disk is in it. */
  private listedManifest(): LogManifest {
    const m = this.manifest();
    const onDisk = existsSync(this.dir)
      ? readdirSync(this.dir)
          .map((f) => PARTITION.exec(f)?.[1])
          .filter((m): m is string => m !== undefined)
      : [];
    for (const month of onDisk) {
      if (!m.partitions[month])
        throw new PredictionLogError(
          `${this.ws.rel(this.partitionPath(month))}: not in ${this.manifestName}: the log was edited by hand`,
        );
    }
    return m;
  }

  /**
   * Verifies the whole log as read() does — every file listed, each piece's sha256 — a file at a time and
   * without parsing (memory: one file), and returns the manifest; a month's records are then read with
   * readMonth, so no more than a month of them is held.
   */
  verify(): LogManifest {
    const m = this.listedManifest();
    for (const key of Object.keys(m.partitions).sort(comparePieceKeys))
      this.verifiedBytes(key, m.partitions[key]);
    return m;
  }

  /** A log month's records, all its pieces in order (event time then id, as written), verified. */
  readMonth(month: string, m: LogManifest): PredictionRecord[] {
    const out: PredictionRecord[] = [];
    for (const key of Object.keys(m.partitions).sort(comparePieceKeys)) {
      if ((parsePieceKey(key)?.month ?? key) !== month) continue;
      for (const r of this.readPartition(key, m.partitions[key])) out.push(r);
    }
    return out;
  }

  /** A listed piece's bytes, checked against its manifest entry. */
  private verifiedBytes(month: string, expected: { rows: number; sha256: string }): Buffer {
    const file = this.partitionPath(month);
    const where = this.ws.rel(file);
    if (!existsSync(file))
      throw new PredictionLogError(`${where}: listed in ${this.manifestName} but missing`);
    const bytes = readInputFile(this.ws.root, file);
    if (sha(bytes) !== expected.sha256) {
      throw new PredictionLogError(
        `${where}: content does not match ${this.manifestName} (sha256 differs): the log was truncated or edited by hand; restore it with git (git checkout -- ${where})`,
      );
    }
    return bytes;
  }

  private readPartition(month: string, expected: { rows: number; sha256: string }): PredictionRecord[] {
    const listed = this.manifestName;
    const where = this.ws.rel(this.partitionPath(month));
    const bytes = this.verifiedBytes(month, expected);
    const text = bytes.toString('utf8');
    const lines = text.split('\n');
    const columns = this.columns;
    if (lines[0] !== columns.join(',')) {
      // A log of the other task: the label's type changed since these predictions were logged.
      const other = this.regression ? LOG_COLUMNS : REGRESSION_LOG_COLUMNS;
      const why =
        lines[0] === other.join(',')
          ? `; it is a ${this.regression ? 'classification' : 'regression'} log but dataset.yml's label makes a ${this.regression ? 'regression' : 'classification'} task: move the old predictions-*.csv and monitoring.json out of ${this.ws.rel(this.dir)} (git mv) and run infer again`
          : '';
      throw new PredictionLogError(`${where} line 1: header does not match ${columns.join(',')}${why}`);
    }
    const records: PredictionRecord[] = [];
    for (let n = 1; n < lines.length; n++) {
      const line = lines[n];
      if (line === '' && n === lines.length - 1) break;
      const f = line.split(',');
      const at = `${where} line ${n + 1}`;
      if (f.length !== columns.length)
        throw new PredictionLogError(`${at}: has ${f.length} fields, expected ${columns.length}`);
      const id = Number(f[0]);
      const version = Number(f[3]);
      if (!Number.isInteger(id) || id < 1)
        throw new PredictionLogError(`${at}: id '${f[0]}' is not a positive whole number`);
      for (const k of [1, 2]) {
        if (Number.isNaN(parseIsoInstant(Buffer.from(f[k]), 0, f[k].length)))
          throw new PredictionLogError(`${at}: ${columns[k]} '${f[k]}' is not UTC ISO-8601`);
      }
      if (!Number.isInteger(version) || version < 1)
        throw new PredictionLogError(`${at}: model_version '${f[3]}' is not a positive whole number`);
      if (this.regression) {
        records.push(regressionRecord(f, at, id, version));
        continue;
      }
      const probability = parseNumberBytes(Buffer.from(f[5]), 0, f[5].length);
      if (!this.classes.includes(f[4]))
        throw new PredictionLogError(`${at}: predicted '${f[4]}' is not a class of ${this.dataset}`);
      if (!(probability >= 0 && probability <= 1))
        throw new PredictionLogError(`${at}: probability '${f[5]}' is not in [0, 1]`);
      if (f[6] !== '' && !this.classes.includes(f[6]))
        throw new PredictionLogError(`${at}: actual '${f[6]}' is not a class of ${this.dataset}`);
      records.push({
        id,
        eventTime: f[1],
        predictedAt: f[2],
        modelVersion: version,
        predicted: f[4],
        probability,
        actual: f[6] === '' ? null : f[6],
      });
    }
    if (records.length !== expected.rows)
      throw new PredictionLogError(`${where}: ${records.length} rows, ${listed} says ${expected.rows}`);
    return records;
  }

  /** A record's line as the log writes it (no newline). */
  lineOf(r: PredictionRecord): string {
    return this.regression
      ? regressionLine(
          r.id,
          r.eventTime,
          r.predictedAt,
          r.modelVersion,
          r.predicted,
          r.low,
          r.high,
          r.actual,
          this.regression,
        )
      : classificationLine(
          r.id,
          r.eventTime,
          r.predictedAt,
          r.modelVersion,
          r.predicted,
          r.probability,
          r.actual,
        );
  }

  /**
   * A renderer of this log's lines, fed in order (event time then id; each month's lines together, months
   * ascending). `staged`: each piece is written to its atomic temp file as it is rendered (a FileStaged
   * for writeFilesAtomically) instead of held in memory.
   */
  renderer(opts: { staged?: boolean } = {}): LogRenderer {
    return new LogRenderer(this, opts.staged === true);
  }

  /**
   * The whole log rendered: the partitions whose text changed and the manifest of all of them. Records
   * are sorted by event time then id here, so the log is in order whatever order rows arrived in.
   */
  render(records: PredictionRecord[]): {
    partitions: (FileWrite & { key: string })[];
    manifest: LogManifest;
  } {
    let sorted = records;
    for (let i = 1; i < records.length; i++) {
      if (compareRecords(records[i - 1], records[i]) > 0) {
        sorted = [...records].sort(compareRecords);
        break;
      }
    }
    const renderer = this.renderer();
    for (const r of sorted) renderer.line(r.eventTime, this.lineOf(r));
    const { partitions, manifest } = renderer.finish();
    return { partitions: partitions as (FileWrite & { key: string })[], manifest };
  }

  /**
   * Pieces of the months in `manifest` that it no longer lists (a month now cut into fewer pieces, e.g.
   * after the limit was raised): deleted in the batch that writes the new manifest (after its renames,
   * journalled), so a crash leaves neither a manifest without its files nor a file it does not list.
   */
  stalePieces(manifest: LogManifest, months: ReadonlySet<string>): FileRemove[] {
    return Object.keys(this.manifest().partitions)
      .filter((key) => !(key in manifest.partitions) && months.has(parsePieceKey(key)?.month ?? ''))
      .map((key) => ({ path: this.partitionPath(key), remove: true }));
  }

  /** Writes the whole log: changed partitions, then the manifest; nothing is written if a check fails. */
  write(records: PredictionRecord[]): void {
    this.commit(this.render(records));
  }

  /**
   * Writes rendered pieces (in memory or staged) and their manifest as one batch, deleting the pieces of
   * their months the manifest no longer lists.
   */
  commit({ partitions, manifest }: ReturnType<LogRenderer['finish']>): void {
    const months = new Set(Object.keys(manifest.partitions).map((k) => parsePieceKey(k)?.month ?? k));
    const stale = this.stalePieces(manifest, months);
    writeFilesAtomically([...partitions, this.manifestWrite(manifest), ...stale]);
    this.retireEarlierManifest();
  }
}

/** A piece of a log month being rendered: its hash and bytes so far, in memory or in its temp file. */
interface Piece {
  key: string;
  path: string;
  hash: Hash;
  /** Rendered blocks (in memory), or null when staged. */
  chunks: Buffer[] | null;
  /** The staged temp file's descriptor, or null in memory. */
  fd: number | null;
  block: string[];
  rows: number;
  bytes: number;
}

/**
 * Renders a log from its lines as they come (event time then id, a month's lines together): a month's
 * lines fill pieces under the size limit — the next line that would cross it starts the month's next
 * piece (key YYYY-MM-N), header first. Lines are joined and encoded in blocks, hashed as they go, and
 * either kept (render) or appended to the piece's temp file (staged), so no million short strings or
 * whole-log text outlive their block.
 */
export class LogRenderer {
  private readonly pieces: Piece[] = [];
  private readonly header: string;
  private readonly limit = maxPieceBytes();
  private month = '';
  private pieceNumber = 1;
  private lastTime = '';
  private part: Piece | undefined;

  constructor(
    private readonly log: PredictionLog,
    private readonly staged: boolean,
  ) {
    this.header = log.columns.join(',');
  }

  private newPiece(key: string): Piece {
    const target = this.log.partitionPath(key);
    let fd: number | null = null;
    if (this.staged) {
      mkdirSync(path.dirname(target), { recursive: true });
      fd = openSync(atomicTempPath(target), 'w');
    }
    const piece: Piece = {
      key,
      path: target,
      hash: createHash('sha256'),
      chunks: this.staged ? null : [],
      fd,
      block: [this.header],
      rows: 0,
      bytes: this.header.length + 1,
    };
    this.pieces.push(piece);
    return piece;
  }

  /** Appends one line (no newline) whose record has event time `eventTime`. */
  line(eventTime: string, line: string): void {
    if (eventTime !== this.lastTime) {
      this.lastTime = eventTime;
      const month = eventTime.slice(0, 7);
      if (month !== this.month) {
        if (this.part) this.flush(this.part);
        this.month = month;
        this.pieceNumber = 1;
        this.part = this.newPiece(month);
      }
    }
    const lineBytes = Buffer.byteLength(line) + 1;
    let p = this.part!;
    if (p.rows > 0 && p.bytes + lineBytes > this.limit) {
      this.flush(p);
      this.pieceNumber++;
      p = this.part = this.newPiece(pieceKey(this.month, this.pieceNumber));
    }
    p.block.push(line);
    p.bytes += lineBytes;
    p.rows++;
    if (p.block.length === LINES_PER_BLOCK) this.flush(p);
  }

  private flush(p: Piece): void {
    if (p.block.length === 0) return;
    const bytes = Buffer.from(`${p.block.join('\n')}\n`);
    p.block = [];
    p.hash.update(bytes);
    if (p.fd !== null) writeSync(p.fd, bytes);
    else p.chunks!.push(bytes);
  }

  /**
   * The pieces whose bytes differ from the log's current manifest (a staged piece that did not change
   * is deleted) and the manifest of all of them.
   */
  finish(): { partitions: ((FileWrite | FileStaged) & { key: string })[]; manifest: LogManifest } {
    const manifest: LogManifest = { partitions: {} };
    const partitions: ((FileWrite | FileStaged) & { key: string })[] = [];
    const old = this.log.manifest();
    for (const p of this.pieces) {
      this.flush(p);
      if (p.fd !== null) {
        closeSync(p.fd);
        p.fd = null;
      }
      const entry = { rows: p.rows, sha256: p.hash.digest('hex') };
      manifest.partitions[p.key] = entry;
      if (old.partitions[p.key]?.sha256 === entry.sha256) {
        if (this.staged) rmSync(atomicTempPath(p.path), { force: true });
      } else if (this.staged) partitions.push({ key: p.key, path: p.path, staged: true });
      // Encoded once: the same bytes were hashed and are written.
      else partitions.push({ key: p.key, path: p.path, content: Buffer.concat(p.chunks!) });
      p.chunks = null;
    }
    return { partitions, manifest };
  }

  /** Removes the staged temp files (after a failure, or when nothing is to be written). */
  discard(): void {
    for (const p of this.pieces) {
      if (p.fd !== null) closeSync(p.fd);
      p.fd = null;
      if (this.staged) rmSync(atomicTempPath(p.path), { force: true });
    }
  }
}

/** A classification log line (no newline). */
export function classificationLine(
  id: number,
  eventTime: string,
  predictedAt: string,
  modelVersion: number,
  predicted: string,
  probability: number,
  actual: string | null,
): string {
  return `${id},${eventTime},${predictedAt},${modelVersion},${predicted},${formatProbability(probability)},${actual ?? ''}`;
}

/** A regression log line (no newline): the interval ends in the log's precision. */
export function regressionLine(
  id: number,
  eventTime: string,
  predictedAt: string,
  modelVersion: number,
  predicted: string,
  low: number | undefined,
  high: number | undefined,
  actual: string | null,
  label: RegressionLogLabel,
): string {
  return `${id},${eventTime},${predictedAt},${modelVersion},${predicted},${intervalEnd(low, label)},${intervalEnd(high, label)},${actual ?? ''}`;
}

/** Removes a log's earlier manifest file (predictions.json), once monitoring.json holds the manifest. */
export function removeEarlierManifest(dir: string): void {
  rmSync(path.join(dir, EARLIER_MANIFEST), { force: true });
}

/** A regression line's record; predicted and actual stay the text the log holds (numbers checked). */
function regressionRecord(f: string[], at: string, id: number, version: number): PredictionRecord {
  const value = (k: number) => {
    const x = f[k] === '' ? Number.NaN : parseNumberBytes(Buffer.from(f[k]), 0, f[k].length);
    if (!Number.isFinite(x))
      throw new PredictionLogError(`${at}: ${REGRESSION_LOG_COLUMNS[k]} '${f[k]}' is not a number`);
    return x;
  };
  value(4);
  const low = value(5);
  const high = value(6);
  if (f[7] !== '') value(7);
  return {
    id,
    eventTime: f[1],
    predictedAt: f[2],
    modelVersion: version,
    predicted: f[4],
    probability: 0,
    low,
    high,
    actual: f[7] === '' ? null : f[7],
  };
}

/** An interval end as the log writes it; a record without one is a caller's bug, not a user's input. */
function intervalEnd(x: number | undefined, label: RegressionLogLabel): string {
  if (x === undefined || !Number.isFinite(x))
    throw new PredictionLogError('prediction log: a regression record needs a finite low and high');
  return formatPredictedValue(x, label);
}

function checkManifest(value: unknown, where: string): LogManifest {
  const bad = (rule: string) => new PredictionLogError(`${where}: corrupt manifest (${rule})`);
  const partitions = (value as { partitions?: unknown } | null)?.partitions;
  if (typeof partitions !== 'object' || partitions === null || Array.isArray(partitions))
    throw bad("'partitions' must be an object");
  for (const [month, e] of Object.entries(partitions as Record<string, unknown>)) {
    const entry = e as { rows?: unknown; sha256?: unknown } | null;
    if (
      parsePieceKey(month) === null ||
      typeof entry?.rows !== 'number' ||
      !Number.isInteger(entry.rows) ||
      entry.rows < 0 ||
      typeof entry.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(entry.sha256)
    )
      throw bad(`partition '${month}' needs a whole number of rows and a sha256`);
  }
  return { partitions: partitions as LogManifest['partitions'] };
}

export function compareRecords(
  a: { eventTime: string; id: number },
  b: { eventTime: string; id: number },
): number {
  return a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.id - b.id;
}

/** Probabilities keep 6 decimals: enough to read, stable across platforms, small diffs. */
export function formatProbability(p: number): string {
  const micro = Math.round(p * 1e6);
  // Probabilities in [0, 1] from whole millionths, written like String(micro / 1e6) but without
  // formatting a double (a fifth of a million-row log's write time).
  if (!(micro > 0 && micro < 1e6)) return String(micro / 1e6);
  const digits = String(micro).padStart(6, '0');
  let end = 6;
  while (digits.charCodeAt(end - 1) === 48) end--;
  return `0.${digits.slice(0, end)}`;
}
