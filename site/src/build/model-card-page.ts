// What a dataset's model-card page shows, read at build time: the champion's card.md rendered to HTML
// and its permutation importance on the honest holdout — metrics.json's, written by training, or for a
// version registered before training wrote it, computed here with the same function and settings on
// the holdout rows its metrics.json lists. A version without them says why instead of failing the build.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FeatureGroup } from '../../../actions/lib/features/feature-group.js';
import type { FeatureTable } from '../../../actions/lib/features/feature-table.js';
import { readJsonFile } from '../../../actions/lib/files/read-json.js';
import type { Workspace } from '../../../actions/lib/files/workspace.js';
import type { ServingModel } from '../../../actions/lib/models/serving-model.js';
import { ModelRegistry, type RegistryEntry } from '../../../actions/lib/registry/model-registry.js';
import {
  computeImportance,
  holdoutRowsOf,
  recordedImportance,
} from '../../../actions/lib/registry/version-importance.js';
import type { DatasetSpec } from '../../../actions/lib/spec/spec.js';
import { cardHtml } from './card-markdown.js';
import type { ImportanceView } from './templates/importance-panel.js';
import type { ModelCardPageData } from './templates/model-card-page.js';

/** The card's section the page shows as a chart and table above the card instead. */
const IMPORTANCE_SECTION = 'Permutation feature importance';

type Importance = { view: ImportanceView; missing?: undefined } | { view: null; missing: string };

function readMetrics(file: string): unknown {
  if (!existsSync(file)) return null;
  try {
    return readJsonFile(file, 'model metrics', (m) => new Error(m));
  } catch {
    return null; // an unreadable metrics.json: the importance is computed (or said missing) instead
  }
}

/**
 * Computed importances of this process, by model, feature group and holdout: a forest's takes seconds,
 * and a process that builds the site again (serve, tests) gets the same figures without recomputing.
 */
const computed = new Map<string, Importance>();

/** The champion's importance: recorded at training, else computed now; or why there is none. */
export function championImportance(
  ws: Workspace,
  spec: DatasetSpec,
  champion: { entry: RegistryEntry; model: ServingModel },
  group: FeatureGroup | null,
  /** The group's rows: the site build passes its one read of them. */
  tableOf: () => FeatureTable | null = () => group?.read() ?? null,
): Importance {
  const registry = new ModelRegistry(ws, spec.name);
  const version = champion.entry.version;
  const unit = (champion.model.json.label as { unit?: string }).unit;
  const withUnit = unit !== undefined ? { unit } : {};
  const recorded = recordedImportance(readMetrics(path.join(registry.versionDir(version), 'metrics.json')));
  if (recorded) return { view: { version, source: 'training', importance: recorded, ...withUnit } };
  const ids = registry.holdoutIds(version);
  if (!ids) return { view: null, missing: `model v${version}'s metrics.json does not list its holdout rows` };
  if (!group)
    return { view: null, missing: `the feature group of model v${version} is not in the repository` };
  const table = tableOf();
  if (!table)
    return { view: null, missing: `the feature group of model v${version} is not in the repository` };
  const rows = holdoutRowsOf(table, ids);
  if (!rows)
    return {
      view: null,
      missing: `some of model v${version}'s holdout rows are not in feature group v${group.meta.version}`,
    };
  const key = `${spec.name}\0v${version}\0${champion.entry.modelSha256}\0${group.dir}\0${group.meta.rows}\0${ids.join(',')}`;
  const known = computed.get(key);
  if (known) return known;
  const result = computeFor(champion, version, group, table, rows, withUnit);
  computed.set(key, result);
  return result;
}

function computeFor(
  champion: { entry: RegistryEntry; model: ServingModel },
  version: number,
  group: FeatureGroup,
  table: FeatureTable,
  rows: number[],
  withUnit: { unit?: string },
): Importance {
  try {
    champion.model.checkSchema(group.meta.features, `model v${version}`);
    const importance = computeImportance(champion.model, group.meta.features, table, rows);
    if (!importance)
      return { view: null, missing: `model v${version}'s holdout has fewer than 2 labelled rows` };
    return { view: { version, source: 'site-build', importance, ...withUnit } };
  } catch (err) {
    return { view: null, missing: (err as Error).message };
  }
}

/** The page's card: null without a champion. */
export function modelCardOf(
  ws: Workspace,
  spec: DatasetSpec,
  champion: { entry: RegistryEntry; model: ServingModel } | null,
  importance: Importance | null,
): ModelCardPageData['card'] {
  if (!champion) return null;
  const registry = new ModelRegistry(ws, spec.name);
  const version = champion.entry.version;
  const file = path.join(registry.versionDir(version), 'card.md');
  const markdown = existsSync(file)
    ? readFileSync(file, 'utf8')
    : `Model v${version} has no card.md in the registry.`;
  const imp = importance ?? { view: null, missing: 'not computed' };
  return {
    version,
    file: ws.rel(file),
    decision: champion.entry.decision,
    body: cardHtml(markdown, { skipSections: imp.view ? [IMPORTANCE_SECTION] : [], topLevel: 3 }),
    importance: imp.view,
    ...(imp.view ? {} : { importanceMissing: imp.missing }),
  };
}
