// The prediction log: reports/<dataset>/predictions-YYYY-MM.csv, partitioned by event-time month, every
// partition sorted by event_time then id, plus predictions.json with each partition's sha256 and row
// count. The files sit beside the dashboard (no subdirectory), so a day's commit rewrites one tree less.
// A truncated or hand-edited partition no longer matches its manifest entry: it is detected, reported,
// and nothing is overwritten.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FileWrite } from './atomic-write.js';
import { stableStringify } from './json.js';
import type { PredictionRecord } from './monitoring-types.js';
import { parseIsoInstant, parseNumberBytes } from './partition-reader.js';
import type { Workspace } from './workspace.js';

export const LOG_COLUMNS = [
  'id',
  'event_time',
  'predicted_at',
  'model_version',
  'predicted',
  'probability',
  'actual',
];

export class PredictionLogError extends Error {
  override name = 'PredictionLogError';
}

interface Manifest {
  format: 'gitml.prediction-log';
  version: 1;
  partitions: Record<string, { rows: number; sha256: string }>;
}

/** The manifest's file name, beside the partitions. */
export const LOG_MANIFEST = 'predictions.json';
const PARTITION = /^predictions-(\d{4}-\d{2})\.csv$/;

/** The file of one month's partition, e.g. predictions-2026-11.csv. */
export function logPartitionFile(month: string): string {
  return `predictions-${month}.csv`;
}

const sha = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

export class PredictionLog {
  constructor(
    readonly ws: Workspace,
    readonly dataset: string,
    readonly classes: readonly string[],
  ) {}

  get dir(): string {
    return path.join(this.ws.reportsDir, this.dataset);
  }
  get manifestPath(): string {
    return path.join(this.dir, LOG_MANIFEST);
  }
  partitionPath(month: string): string {
    return path.join(this.dir, logPartitionFile(month));
  }

  private manifest(): Manifest {
    const earlier = path.join(this.dir, 'predictions', 'manifest.json');
    if (existsSync(earlier))
      throw new PredictionLogError(
        `${this.ws.rel(earlier)}: the log is in the earlier layout; move predictions/YYYY-MM.csv to predictions-YYYY-MM.csv and predictions/manifest.json to ${LOG_MANIFEST} (git mv), then run again`,
      );
    if (!existsSync(this.manifestPath)) {
      const stray = existsSync(this.dir) ? readdirSync(this.dir).filter((f) => PARTITION.test(f)) : [];
      if (stray.length)
        throw new PredictionLogError(
          `${this.ws.rel(this.dir)}: partitions without ${LOG_MANIFEST} (${stray.join(', ')}): the log was edited by hand`,
        );
      return { format: 'gitml.prediction-log', version: 1, partitions: {} };
    }
    try {
      const m = JSON.parse(readFileSync(this.manifestPath, 'utf8')) as Manifest;
      if (m.format !== 'gitml.prediction-log' || typeof m.partitions !== 'object')
        throw new Error('not a prediction-log manifest');
      return m;
    } catch (err) {
      throw new PredictionLogError(
        `${this.ws.rel(this.manifestPath)}: corrupt manifest (${(err as Error).message})`,
      );
    }
  }

  /** Reads and verifies every partition; records are sorted by event time then id. */
  read(): PredictionRecord[] {
    const m = this.manifest();
    const onDisk = existsSync(this.dir)
      ? readdirSync(this.dir)
          .map((f) => PARTITION.exec(f)?.[1])
          .filter((m): m is string => m !== undefined)
      : [];
    for (const month of onDisk) {
      if (!m.partitions[month])
        throw new PredictionLogError(
          `${this.ws.rel(this.partitionPath(month))}: not in ${LOG_MANIFEST}: the log was edited by hand`,
        );
    }
    const out: PredictionRecord[] = [];
    for (const month of Object.keys(m.partitions).sort()) {
      for (const r of this.readPartition(month, m.partitions[month])) out.push(r);
    }
    return out;
  }

  private readPartition(month: string, expected: { rows: number; sha256: string }): PredictionRecord[] {
    const file = this.partitionPath(month);
    const where = this.ws.rel(file);
    if (!existsSync(file)) throw new PredictionLogError(`${where}: listed in ${LOG_MANIFEST} but missing`);
    const bytes = readFileSync(file);
    if (sha(bytes) !== expected.sha256) {
      throw new PredictionLogError(
        `${where}: content does not match ${LOG_MANIFEST} (sha256 differs): the log was truncated or edited by hand; restore it with git (git checkout -- ${where})`,
      );
    }
    const text = bytes.toString('utf8');
    const lines = text.split('\n');
    if (lines[0] !== LOG_COLUMNS.join(','))
      throw new PredictionLogError(`${where} line 1: header does not match ${LOG_COLUMNS.join(',')}`);
    const records: PredictionRecord[] = [];
    for (let n = 1; n < lines.length; n++) {
      const line = lines[n];
      if (line === '' && n === lines.length - 1) break;
      const f = line.split(',');
      const at = `${where} line ${n + 1}`;
      if (f.length !== LOG_COLUMNS.length)
        throw new PredictionLogError(`${at}: has ${f.length} fields, expected ${LOG_COLUMNS.length}`);
      const id = Number(f[0]);
      const version = Number(f[3]);
      const probability = parseNumberBytes(Buffer.from(f[5]), 0, f[5].length);
      if (!Number.isInteger(id) || id < 1)
        throw new PredictionLogError(`${at}: id '${f[0]}' is not a positive whole number`);
      for (const k of [1, 2]) {
        if (Number.isNaN(parseIsoInstant(Buffer.from(f[k]), 0, f[k].length)))
          throw new PredictionLogError(`${at}: ${LOG_COLUMNS[k]} '${f[k]}' is not UTC ISO-8601`);
      }
      if (!Number.isInteger(version) || version < 1)
        throw new PredictionLogError(`${at}: model_version '${f[3]}' is not a positive whole number`);
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
      throw new PredictionLogError(`${where}: ${records.length} rows, ${LOG_MANIFEST} says ${expected.rows}`);
    return records;
  }

  /**
   * File writes for the whole log: partitions that changed and the manifest. Records are sorted by
   * event time then id here, so the log is in order whatever order rows arrived in.
   */
  writes(records: PredictionRecord[]): FileWrite[] {
    let sorted = records;
    for (let i = 1; i < records.length; i++) {
      if (compareRecords(records[i - 1], records[i]) > 0) {
        sorted = [...records].sort(compareRecords);
        break;
      }
    }
    // Lines are built directly — class values never need CSV quoting (the spec forbids commas and
    // quotes in them) — so a million-row log is written without a CSV library's per-cell allocations.
    const byMonth = new Map<string, string[]>();
    for (const r of sorted) {
      const month = r.eventTime.slice(0, 7);
      let lines = byMonth.get(month);
      if (!lines) byMonth.set(month, (lines = [LOG_COLUMNS.join(',')]));
      lines.push(
        `${r.id},${r.eventTime},${r.predictedAt},${r.modelVersion},${r.predicted},${formatProbability(r.probability)},${r.actual ?? ''}`,
      );
    }
    const manifest: Manifest = { format: 'gitml.prediction-log', version: 1, partitions: {} };
    const writes: FileWrite[] = [];
    const old = this.manifest();
    for (const [month, lines] of byMonth) {
      const text = `${lines.join('\n')}\n`;
      const entry = { rows: lines.length - 1, sha256: sha(text) };
      manifest.partitions[month] = entry;
      if (old.partitions[month]?.sha256 !== entry.sha256)
        writes.push({ path: this.partitionPath(month), content: text });
    }
    writes.push({ path: this.manifestPath, content: stableStringify(manifest) });
    return writes;
  }
}

export function compareRecords(
  a: { eventTime: string; id: number },
  b: { eventTime: string; id: number },
): number {
  return a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.id - b.id;
}

/** Probabilities keep 6 decimals: enough to read, stable across platforms, small diffs. */
export function formatProbability(p: number): string {
  return String(Math.round(p * 1e6) / 1e6);
}
