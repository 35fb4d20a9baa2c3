// Seeded, realistic feature groups of any size for benchmarks: the Wine spec's schema and generator,
// written through the real store (backfill, then generate with many rows per day across months).
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { backfill } from '../../actions/lib/pipelines/backfill.js';
import { generate } from '../../actions/lib/pipelines/generate.js';

export const BENCH_NOW = new Date('2026-11-24T12:00:00Z');

/** A workspace under tmpDir with the wine feature group grown to about `rows` rows (cached per size). */
export function wineGroup(
  tmpDir: string,
  rows: number,
  log: (m: string) => void,
): { ws: Workspace; files: string[] } {
  const root = path.join(tmpDir, `wine-${rows}`);
  const ws = new Workspace(root);
  const spec = () => ws.loadSpec('wine');
  if (!existsSync(path.join(root, 'data/wine/v1/metadata.json'))) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(path.join(root, 'data/wine'), { recursive: true });
    for (const f of ['dataset.yml', 'source.csv'])
      cpSync(path.resolve('data/wine', f), path.join(root, 'data/wine', f));
    backfill(ws, spec(), { now: BENCH_NOW });
    const extra = Math.max(0, rows - 6497);
    const days = Math.min(360, Math.max(1, Math.ceil(extra / 5000)));
    const t0 = performance.now();
    if (extra > 0)
      generate(ws, spec(), { now: BENCH_NOW, date: '2026-11-23', days, rows: Math.ceil(extra / days) });
    log(
      `  built a ${FeatureGroup.open(ws, spec()).meta.rows}-row wine feature group in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  const fg = FeatureGroup.open(ws, spec());
  return { ws, files: fg.months().flatMap((m) => fg.partitionPaths(m).map((p) => path.join(root, p))) };
}
