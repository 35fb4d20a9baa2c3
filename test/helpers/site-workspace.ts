// Workspaces for the site tests: the real datasets run through the pipeline (backfill → train → daily,
// with a second, promoted model version so the charts have model-change markers), plus an optional copy
// of Iris whose every human-readable string is markup, to prove the pages treat data as text.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { valueText } from '../../actions/lib/features/feature-table.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import type { ServingModel } from '../../actions/lib/models/serving-model.js';
import { ModelRegistry } from '../../actions/lib/registry/model-registry.js';
import { cli, makeWorkspace, REPO_ROOT } from './workspace.js';

export const SITE_ASSETS = path.join(REPO_ROOT, 'site', 'assets');
export const BUILD_TIME = new Date('2026-11-24T12:00:00Z');

/** Markup in every string the pages show: it must appear literally and never run. */
export const NASTY = {
  name: 'nasty',
  title: 'Nasty <img src=x onerror="window.__xss=1"> & "co"',
  description: 'Labels with </script><script>window.__xss=2</script> markup',
  classTitle: '<b>Bold</b> setosa',
  featureTitle: 'Sepal <script>window.__xss=3</script> length',
  unit: 'c"m\'',
};

/** Adds data/nasty: Iris's rows under a spec whose titles, labels and units are all markup. */
export function addNastyDataset(root: string): void {
  const spec = parse(readFileSync(path.join(REPO_ROOT, 'data/iris/dataset.yml'), 'utf8'));
  spec.name = NASTY.name;
  spec.title = NASTY.title;
  spec.description = NASTY.description;
  spec.label.title = '<i>Species</i>';
  spec.label.classes[0].label = NASTY.classTitle;
  spec.features[0].title = NASTY.featureTitle;
  spec.features[0].unit = NASTY.unit;
  spec.model = { algorithm: 'gaussian-nb' };
  const dir = path.join(root, 'data', NASTY.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'dataset.yml'), stringify(spec));
  writeFileSync(path.join(dir, 'source.csv'), readFileSync(path.join(REPO_ROOT, 'data/iris/source.csv')));
}

async function run(root: string, ...args: string[]): Promise<void> {
  const r = await cli(root, ...args);
  if (r.code !== 0) throw new Error(`gitml ${args.join(' ')} failed (${r.code}): ${r.err || r.out}`);
}

/**
 * Every dataset through the pipeline: backfill, a first model, 14 daily runs, a second model for Titanic
 * promoted by hand, 9 more daily runs. Wine's forest skips the hyper-parameter search to stay quick.
 */
export async function pipelineWorkspace(opts: { rowsPerDay?: number } = {}): Promise<string> {
  const root = makeWorkspace(['iris', 'titanic', 'wine']);
  const rows = String(opts.rowsPerDay ?? 4);
  await run(root, 'backfill', '--now', '2026-11-01T12:00:00Z');
  await run(root, 'train', '--dataset', 'iris', '--now', '2026-11-01T13:00:00Z');
  await run(root, 'train', '--dataset', 'titanic', '--now', '2026-11-01T13:00:00Z');
  const fast = ['--algorithm', 'gaussian-nb', '--folds', '3'];
  // Wine keeps its spec's random forest (the page walks its 200k-node byte stream), without the search.
  await run(root, 'train', '--dataset', 'wine', '--no-search', '--now', '2026-11-01T13:00:00Z');
  await run(root, 'daily', '--days', '14', '--rows', rows, '--now', '2026-11-15T06:00:00Z');
  await run(root, 'train', '--dataset', 'titanic', ...fast, '--promote', '--now', '2026-11-15T07:00:00Z');
  await run(root, 'daily', '--days', '9', '--rows', rows, '--now', '2026-11-24T06:00:00Z');
  return root;
}

export function champion(root: string, dataset: string): ServingModel {
  return new ModelRegistry(new Workspace(root), dataset).requireChampion().model;
}

/** `count` rows of the feature group, evenly spread, as the text a user would type (by feature name). */
export function featureRows(root: string, dataset: string, count: number): Record<string, string>[] {
  const ws = new Workspace(root);
  const group = FeatureGroup.open(ws, ws.loadSpec(dataset));
  const table = group.read();
  const features = group.meta.features;
  return Array.from({ length: count }, (_, k) => {
    const i = Math.floor((k * table.rows) / count);
    const row: Record<string, string> = {};
    features.forEach((f, j) => {
      row[f.name] = valueText(f, table.columns[j][i]);
    });
    return row;
  });
}
