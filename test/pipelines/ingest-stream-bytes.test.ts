// Streamed backfill and ingest (issue 17) write the same bytes as the whole-file code before them: a
// 200k-row Wine-shaped source (blanks to fill, bad rows to quarantine) is backfilled, a 200k-row upload
// (event times over three months, bad times, ids that repeat stored ones) is ingested, with the piece
// limit set low so months split, and every file of the group is hashed. The expected hashes were made
// by this same scenario on the code before streaming (commit 7b28141) with GITML_WRITE_BYTES_FIXTURE=1;
// the bundled Wine group is checked the same way.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PIECE_BYTES_ENV } from '../../actions/lib/features/size-limits.js';
import { sha256Hex } from '../../actions/lib/files/sha256.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { backfill } from '../../actions/lib/pipelines/backfill.js';
import { ingest } from '../../actions/lib/pipelines/ingest.js';
import { makeWorkspace, REPO_ROOT } from '../helpers/workspace.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/ingest-bytes/hashes.json');
const ROWS = 200_000;

afterEach(() => {
  delete process.env[MAX_PIECE_BYTES_ENV];
});

function groupHashes(root: string): Record<string, string> {
  const dir = path.join(root, 'data/wine/v1');
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = sha256Hex(readFileSync(path.join(dir, f)));
  return out;
}

function wineLines(root: string): { header: string; rows: string[] } {
  const [header, ...rows] = readFileSync(path.join(root, 'data/wine/source.csv'), 'utf8').trim().split('\n');
  return { header, rows };
}

/** Backfill of a 200k-row source, then ingest of a 200k-row upload; the group's file hashes after each. */
function scenario(): Record<string, Record<string, string>> {
  const root = makeWorkspace(['wine']);
  const ws = new Workspace(root);
  const { header, rows } = wineLines(root);
  const source = [header];
  for (let i = 0; i < ROWS; i++) {
    const cells = rows[i % rows.length].split(',');
    if (i % 9973 === 5) cells[11] = 'abc'; // alcohol not a number: quarantined
    if (i % 7919 === 3) cells[9] = ''; // pH blank: filled with the median
    if (i % 15013 === 7) cells[12] = '12'; // not a class: quarantined
    source.push(cells.join(','));
  }
  writeFileSync(path.join(root, 'data/wine/source.csv'), `${source.join('\n')}\n`);
  process.env[MAX_PIECE_BYTES_ENV] = String(4 * 1024 * 1024);
  backfill(ws, ws.loadSpec('wine'), { now: new Date('2026-11-01T12:00:00Z') });
  const afterBackfill = groupHashes(root);

  const upload = [`id,event_time,${header}`];
  const days = ['2026-09-14', '2026-10-02T08:30:00Z', '2026-11-20', '', 'last tuesday'];
  for (let i = 0; i < ROWS; i++) {
    const id = i % 1000 === 0 ? String((i % 5000) + 1) : i % 1000 === 1 ? String(ROWS + 10 + i) : '';
    const cells = rows[(i * 7) % rows.length].split(',');
    if (i % 20011 === 9) cells[1] = '99'; // fixed acidity out of range
    upload.push(`${id},${days[i % 997 === 0 ? 4 : i % 4]},${cells.join(',')}`);
  }
  writeFileSync(path.join(root, 'upload.csv'), `${upload.join('\n')}\n`);
  ingest(ws, ws.loadSpec('wine'), 'upload.csv', { now: new Date('2026-12-04T12:00:00Z') });
  return { afterBackfill, afterIngest: groupHashes(root), bundled: bundledWine() };
}

/** The bundled Wine source backfilled as it is (the group every user starts with). */
function bundledWine(): Record<string, string> {
  const root = makeWorkspace(['wine']);
  const ws = new Workspace(root);
  backfill(ws, ws.loadSpec('wine'), { now: new Date('2026-11-01T12:00:00Z') });
  return groupHashes(root);
}

describe('streamed backfill and ingest', () => {
  it('write the bytes the whole-file code wrote (200k-row backfill, 200k-row ingest, bundled Wine)', () => {
    const got = scenario();
    if (process.env.GITML_WRITE_BYTES_FIXTURE) writeFileSync(FIXTURE, `${JSON.stringify(got, null, 2)}\n`);
    const want = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    expect(got).toEqual(want);
    // The scenario reaches what it is for: split months, quarantine, a second month.
    expect(
      Object.keys(got.afterIngest).filter((f) => /^rows-2026-11-\d+\.csv$/.test(f)).length,
    ).toBeGreaterThan(0);
    expect(Object.keys(got.afterIngest)).toContain('rows-2026-09.csv');
  }, 300_000);
});
