// Issue 12, exit codes in the actions: a stage that did some datasets and failed others exits 3 (not 1,
// which promises nothing was written), lists the failures in the job summary and output
// 'failed-datasets', and its outputs report the datasets that were done; when every dataset fails it
// exits 1 and writes nothing. Dates and counts in inputs follow the CLI's rules (one parser, one bound).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, requireBundles, runActionBundle } from '../helpers/action-runner.js';
import { cli, fingerprint, makeWorkspace, NOW } from '../helpers/workspace.js';

let ws: string;
beforeAll(async () => {
  requireBundles('generate', 'infer');
  ws = makeWorkspace(['iris', 'titanic'], { git: true });
  // iris has a feature group and a champion; titanic has neither.
  expect((await cli(ws, 'backfill', '-d', 'iris')).code).toBe(0);
  expect((await cli(ws, 'train', '-d', 'iris', '--algorithm', 'gaussian-nb', '--no-search')).code).toBe(0);
}, 120_000);
afterAll(() => {
  if (ws) rmSync(ws, { recursive: true, force: true });
});

const step = (stage: string, inputs: Record<string, string> = {}) =>
  runActionBundle(stage, { now: NOW, ...inputs }, { workspace: ws });
const errors = (run: ActionRun) => run.annotations.filter((a) => a.level === 'error').map((a) => a.message);

describe('partial success is exit 3, listed', () => {
  it('generate iris,titanic: iris is written, titanic fails; exit 3, summary and outputs say so', async () => {
    const run = await step('generate', { dataset: 'iris,titanic' });
    expect(run.code, run.stdout).toBe(3);
    expect(run.outputs['rows-by-dataset']).toBe('{"iris":1}');
    expect(run.outputs['failed-datasets']).toBe('titanic');
    expect(errors(run)).toContain(
      "titanic: feature group 'titanic' does not exist in the working tree: run backfill first",
    );
    expect(errors(run)).toContain('partial: done iris; failed titanic — exit code 3');
    expect(run.summary).toContain('Failed datasets');
    expect(run.summary).toContain('Daily features');
  });

  it('infer for titanic alone, or twice: exit 1 and nothing written', async () => {
    const before = fingerprint(ws);
    const run = await step('infer', { dataset: 'titanic,titanic' });
    expect(run.code).toBe(1);
    expect(errors(run)).toEqual(['titanic: no champion model in models/titanic/ — run train first']);
    expect(fingerprint(ws)).toBe(before);
  });
});

describe('inputs follow the CLI rules', () => {
  it.each([
    [{ date: '2026-02-30' }, "input 'date' '2026-02-30' is not a date: 2026-02 has 28 days"],
    [
      { date: '1999-12-31' },
      "input 'date' '1999-12-31' is before 2000-01-01, the earliest date gitml accepts",
    ],
    [
      { now: '2026-13-01T00:00:00Z' },
      "input 'now' '2026-13-01T00:00:00Z' is not a date-time: there is no month 13",
    ],
    [{ rows: '1000000000' }, "input 'rows' must be a whole number from 1 to 100000, got '1000000000'"],
    [{ drift: '1e9' }, "input 'drift' must be a number from -10 to 10, got '1e9'"],
    // The one option policy's rules between options, named as the action's inputs (the CLI says --drift).
    [{ 'drift-start': '2026-11-01' }, "input 'drift-start' needs input 'drift'"],
    // Checked by the pipeline itself, not the input reader: still named as the input.
    [{ date: '2026-12-01' }, "input 'date' 2026-12-01 is in the future (today is 2026-11-24 UTC)"],
  ])('generate %j', async (inputs, message) => {
    const before = fingerprint(ws);
    const run = await step('generate', { dataset: 'iris', ...inputs });
    expect(run.code).toBe(1);
    expect(errors(run)).toEqual([message]);
    expect(fingerprint(ws)).toBe(before);
  });
});
