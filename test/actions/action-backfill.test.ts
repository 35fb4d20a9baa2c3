// The backfill action's run(), in-process: its inputs, its report (outputs and summary) and what it logs.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { INPUT_NAMES, readInputs } from '../../actions/backfill/src/inputs.js';
import { run } from '../../actions/backfill/src/main.js';
import { fakeDeps, inputsOf } from '../helpers/fake-core.js';
import { makeWorkspace, NOW } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('backfill run()', () => {
  it('backfills each dataset and reports its rows, versions and quarantine', async () => {
    const root = makeWorkspace(['iris', 'titanic']);
    roots.push(root);
    const deps = fakeDeps(root);
    const inputs = readInputs(inputsOf(INPUT_NAMES, { dataset: 'all', now: NOW }), deps.ws);
    const report = await run(inputs, deps);
    expect(report.outputs).toEqual({
      'failed-datasets': '',
      'rows-added': 150 + 891,
      'rows-by-dataset': { iris: 150, titanic: 891 },
      quarantined: 0,
      versions: { iris: 1, titanic: 1 },
    });
    expect(report.exitCode).toBeUndefined();
    expect(report.summary).toEqual([
      {
        kind: 'table',
        heading: 'Backfill',
        header: ['dataset', 'feature group', 'rows added', 'quarantined', 'note'],
        rows: [
          ['iris', 'v1', 150, 0, ''],
          ['titanic', 'v1', 891, 0, ''],
        ],
      },
    ]);
    expect(deps.core.of('info')).toEqual([
      'v1: 150 rows added, 0 quarantined',
      'v1: 891 rows added, 0 quarantined',
    ]);
    // Run again: nothing to do, said per dataset.
    const again = await run(inputs, fakeDeps(root));
    expect(again.outputs['rows-added']).toBe(0);
  });

  it('names the input and its rule', () => {
    const root = makeWorkspace(['iris']);
    roots.push(root);
    const deps = fakeDeps(root);
    expect(() => readInputs(inputsOf(INPUT_NAMES, { 'new-version': 'maybe' }), deps.ws)).toThrow(
      "input 'new-version' must be true or false, got 'maybe'",
    );
    expect(() => readInputs(inputsOf(INPUT_NAMES, { dataset: 'nope' }), deps.ws)).toThrow(/nope/);
  });
});
