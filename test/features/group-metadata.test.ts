// The feature group's contract: a spec becomes the committed metadata.json byte for byte, a read group's
// statistics become the committed stats.json, and every broken file is refused naming the file and rule.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import {
  metaFileTexts,
  newGroupMeta,
  parseMeta,
  schemaHashOf,
} from '../../actions/lib/features/group-metadata.js';
import { computeStats } from '../../actions/lib/features/stats.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { REPO_ROOT } from '../helpers/workspace.js';
import { memoryFiles } from './memory-files.js';

const ws = new Workspace(REPO_ROOT);
const committed = (dataset: string, file: string) =>
  readFileSync(path.join(REPO_ROOT, 'data', dataset, 'v1', file), 'utf8');

describe('group-metadata: the committed groups round-trip', () => {
  for (const dataset of ['iris', 'wine_score']) {
    it(`${dataset}: newGroupMeta from the spec writes the committed metadata.json`, () => {
      const spec = ws.loadSpec(dataset);
      const fg = FeatureGroup.open(ws, spec);
      expect(fg.meta.schemaHash).toBe(schemaHashOf(spec));
      const fresh = newGroupMeta(spec, 1, fg.meta.fill, fg.meta.sourceSha256);
      const texts = metaFileTexts(fresh, computeStats(fg.read(), fg.meta.features, fg.meta.label), {});
      expect(texts.metadata).toBe(committed(dataset, 'metadata.json'));
    });

    it(`${dataset}: the statistics of the rows read, with the counts, are the committed stats.json`, () => {
      const fg = FeatureGroup.open(ws, ws.loadSpec(dataset));
      const stats = computeStats(fg.read(), fg.meta.features, fg.meta.label);
      const texts = metaFileTexts(fg.meta, stats, fg.meta.partitionSha256 ?? {});
      expect(texts.stats).toBe(committed(dataset, 'stats.json'));
      expect(fg.countsFile).toBe(`data/${dataset}/v1/stats.json`);
    });
  }
});

describe('group-metadata: parseMeta refuses a broken file with its name and rule', () => {
  const spec = ws.loadSpec('iris');
  const dir = 'data/iris/v1';
  const metadata = committed('iris', 'metadata.json');
  const stats = committed('iris', 'stats.json');
  const open = (files: Record<string, string>) => () => parseMeta(memoryFiles(files), dir, spec, 1);

  it('reads the committed pair', () => {
    const { meta, countsFile } = parseMeta(
      memoryFiles({ [`${dir}/metadata.json`]: metadata, [`${dir}/stats.json`]: stats }),
      dir,
      spec,
      1,
    );
    expect(countsFile).toBe(`${dir}/stats.json`);
    expect(meta.rows).toBe(Object.values(meta.partitions).reduce((s, n) => s + n, 0));
  });

  it('a truncated stats.json: corrupt statistics, cut short, restore with git', () => {
    const cut = stats.slice(0, 40);
    expect(open({ [`${dir}/metadata.json`]: metadata, [`${dir}/stats.json`]: cut })).toThrow(
      `${dir}/stats.json: corrupt statistics, it ends too early, after 40 characters (truncated); restore it with git (git checkout -- ${dir}/stats.json)`,
    );
  });

  it('a missing stats.json, an array for metadata.json', () => {
    expect(open({ [`${dir}/metadata.json`]: metadata })).toThrow(`${dir}/stats.json: missing`);
    expect(open({ [`${dir}/metadata.json`]: '[]' })).toThrow(
      `${dir}/metadata.json: corrupt metadata, expected a JSON object`,
    );
  });

  it('counts that do not add up, a hash for a month not listed', () => {
    const s = JSON.parse(stats);
    const rows = { ...s, rows: s.rows + 1 };
    expect(open({ [`${dir}/metadata.json`]: metadata, [`${dir}/stats.json`]: JSON.stringify(rows) })).toThrow(
      `${dir}/stats.json: corrupt counts, 'rows' is ${s.rows + 1} but the partitions add up to ${s.rows}`,
    );
    const hashes = { ...s, partitionSha256: { ...s.partitionSha256, '2020-01': 'a'.repeat(64) } };
    expect(
      open({ [`${dir}/metadata.json`]: metadata, [`${dir}/stats.json`]: JSON.stringify(hashes) }),
    ).toThrow(
      `${dir}/stats.json: corrupt counts, partitionSha256 '2020-01' must be the sha256 of a listed partition`,
    );
  });

  it('a group written before keeps its counts in metadata.json, and they are read from there', () => {
    const s = JSON.parse(stats);
    const legacy = {
      ...JSON.parse(metadata),
      rows: s.rows,
      rejected: 0,
      nextId: s.nextId,
      partitions: s.partitions,
    };
    const { meta, countsFile } = parseMeta(
      memoryFiles({ [`${dir}/metadata.json`]: JSON.stringify(legacy) }),
      dir,
      spec,
      1,
    );
    expect(countsFile).toBe(`${dir}/metadata.json`);
    expect(meta.nextId).toBe(s.nextId);
    expect(meta.partitionSha256).toBeUndefined();
  });

  it('a version that is not its folder, a label type that does not exist', () => {
    const m = JSON.parse(metadata);
    const files = (meta: unknown) => ({
      [`${dir}/metadata.json`]: JSON.stringify(meta),
      [`${dir}/stats.json`]: stats,
    });
    expect(open(files({ ...m, version: 2 }))).toThrow(
      `${dir}/metadata.json: corrupt metadata, version 2 does not match its folder v1`,
    );
    expect(open(files({ ...m, label: { ...m.label, type: 'ordinal' } }))).toThrow(
      `${dir}/metadata.json: corrupt metadata, label.type 'ordinal' is not 'numeric' (absent for a classification label)`,
    );
  });
});
