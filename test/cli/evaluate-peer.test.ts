// `evaluate --peer` runs scikit-learn on gitml's own splits through a script that is part of the product
// (actions/cli/peers/accuracy.py): the product never reads test/. The run is skipped where
// /usr/bin/python3 has no scikit-learn and pandas.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, makeWorkspace, REPO_ROOT } from '../helpers/workspace.js';

const hasSklearn = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import sklearn, pandas'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let ws: string;
beforeAll(async () => {
  ws = makeWorkspace(['iris']);
  const r = await cli(ws, 'backfill', '-d', 'iris');
  expect(r.code, r.err).toBe(0);
});
afterAll(() => {
  if (ws) rmSync(ws, { recursive: true, force: true });
});

describe('evaluate --peer', () => {
  it('its script is the CLI’s, and no product source names a path under test/', () => {
    const models = readFileSync(path.join(REPO_ROOT, 'actions/cli/commands/models.ts'), 'utf8');
    expect(models).toContain("'actions/cli/peers/accuracy.py'");
    expect(existsSync(path.join(REPO_ROOT, 'actions/cli/peers/accuracy.py'))).toBe(true);
    expect(models).not.toMatch(/['`/]test\/bench/);
  });

  it.skipIf(!hasSklearn)('scores scikit-learn on the same split as ours, beside our figure', async () => {
    const r = await cli(
      ws,
      'evaluate',
      '-d',
      'iris',
      '--peer',
      '--seeds',
      '1',
      '--algorithm',
      'gaussian-nb',
      '--no-pipeline',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('scikit-learn on the same splits');
    expect(r.out).toMatch(/ {2}gaussian-nb +0\.\d{4} +0\.\d{4} +-?\d+\.\d pt/);
  });
});
