// scripts/build-all.mjs splits Vega into content-hashed chunks beside an action's index.js: a chunk an
// earlier build left behind must be found (buildAll deletes it, check-dist reports it), never shipped.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/workspace.js';

describe('stale files in actions/*/dist', () => {
  it('lists every file no build output accounts for, and nothing else', async () => {
    const { staleActionFiles } = (await import(path.join(REPO_ROOT, 'scripts/build-all.mjs'))) as {
      staleActionFiles(root: string, outputs: { path: string }[]): string[];
    };
    const root = mkdtempSync(path.join(os.tmpdir(), 'gitml-stale-chunks-'));
    for (const f of ['index.js', 'chunk-NEW.js', 'chunk-OLD.js', 'THIRD-PARTY-NOTICES.txt']) {
      mkdirSync(path.join(root, 'actions/monitor/dist'), { recursive: true });
      writeFileSync(path.join(root, 'actions/monitor/dist', f), '');
    }
    mkdirSync(path.join(root, 'actions/lib'), { recursive: true });
    const outputs = ['index.js', 'chunk-NEW.js', 'THIRD-PARTY-NOTICES.txt'].map((f) => ({
      path: `actions/monitor/dist/${f}`,
    }));
    expect(staleActionFiles(root, outputs)).toEqual(['actions/monitor/dist/chunk-OLD.js']);
    expect(staleActionFiles(root, [...outputs, { path: 'actions/monitor/dist/chunk-OLD.js' }])).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });
});
