// The one option policy (actions/lib/pipelines/options.ts): each rule is written once and a broken one
// names the option canonically; the command line renders it `--days …`, an action `input 'days' …`. The
// CLI and the action reader are run on the same bad values and must say the same rule.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeOf, messageOf, UsageError } from '../../actions/cli/command.js';
import { GitmlError, kindOf } from '../../actions/lib/core/gitml-error.js';
import { InputError } from '../../actions/lib/core/input-error.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import {
  clock,
  DAYS,
  drift,
  gateMetricFor,
  messageIn,
  OptionError,
  optionNamer,
  parseShard,
  retrainHint,
  shardStep,
  tolerance,
  toleranceFor,
  wholeNumber,
} from '../../actions/lib/pipelines/options.js';
import { ActionInputError } from '../../actions/lib/platform/action-inputs.js';
import { inputsOf } from '../helpers/fake-core.js';
import { REPO_ROOT } from '../helpers/workspace.js';

/** The OptionError `run` throws (the test fails when it throws nothing or something else). */
function optionError(run: () => unknown): OptionError {
  try {
    run();
  } catch (err) {
    if (err instanceof OptionError) return err;
    throw err;
  }
  throw new Error('expected an OptionError, nothing was thrown');
}

const NOW = new Date('2026-11-24T12:00:00Z');

describe('one rule, two spellings', () => {
  it('a count out of its bound: --days on the command line, input days in an action', () => {
    const err = optionError(() => wholeNumber('days', '0', DAYS));
    expect(err.option).toBe('days');
    expect(err.rendered('cli')).toBe("--days must be a whole number from 1 to 3660, got '0'");
    expect(err.rendered('action')).toBe("input 'days' must be a whole number from 1 to 3660, got '0'");
    // Neither surface's spelling when nobody rendered it.
    expect(err.message).toBe("option 'days' must be a whole number from 1 to 3660, got '0'");
    // The action's reader runs the same rule and throws its rendering.
    const reader = inputsOf(['days'] as const, { days: '0' });
    expect(() => reader.integer('days', DAYS)).toThrow(
      new ActionInputError("input 'days' must be a whole number from 1 to 3660, got '0'"),
    );
  });

  it('a rule between options names both, each the surface’s way', () => {
    const alone = optionError(() =>
      drift({ drift: undefined, driftStart: '2026-11-01' }, { date: undefined, now: NOW }),
    );
    expect(alone.rendered('cli')).toBe('--drift-start needs --drift SD_PER_DAY');
    expect(alone.rendered('action')).toBe("input 'drift-start' needs input 'drift'");
    const both = optionError(() => shardStep({ shard: '1/2', merge: true, partials: 'p' }, '/repo'));
    expect(both.rendered('cli')).toBe('--shard and --merge are separate steps; give one');
    expect(both.rendered('action')).toBe("input 'shard' and input 'merge' are separate steps; give one");
    const bare = optionError(() =>
      shardStep({ shard: undefined, merge: true, partials: undefined }, '/repo'),
    );
    expect(bare.rendered('cli')).toBe(
      '--merge needs --partials DIR (where shards leave their partial files)',
    );
    expect(bare.rendered('action')).toBe(
      "input 'merge' needs input 'partials' (where shards leave their partial files)",
    );
  });

  it('a date: the parser’s sentence after the option’s name', () => {
    const reader = inputsOf(['date', 'now'] as const, { date: '2026-02-30', now: '2026-11-24T12:00:00Z' });
    expect(() => reader.date('date')).toThrow("input 'date' '2026-02-30' is not a date: 2026-02 has 28 days");
    const err = optionError(() => clock('2026-13-01'));
    expect(err.rendered('cli')).toBe("--now '2026-13-01' is not a date: there is no month 13");
    expect(clock('2026-11-24T06:00:00+02:00').toISOString()).toBe('2026-11-24T04:00:00.000Z');
  });

  it('the way out of a skipped retrain names option force on each surface', () => {
    expect(retrainHint('cli')).toBe('(use --force to retrain)');
    expect(retrainHint('action')).toBe("(use input 'force' to retrain)");
    expect(optionNamer('cli')('partials', 'DIR')).toBe('--partials DIR');
    expect(optionNamer('action')('partials', 'DIR')).toBe("input 'partials'");
  });
});

describe('the rules themselves', () => {
  it('tolerance: a share unless a regressor is selected; a classifier’s is a share whatever was selected', () => {
    expect(tolerance('0.5', false)).toBe(0.5);
    expect(tolerance('5', true)).toBe(5);
    expect(optionError(() => tolerance('5', false)).rendered('cli')).toBe(
      "--tolerance must be a number from 0 to 1, got '5'",
    );
    const iris = new Workspace(REPO_ROOT).loadSpec('iris');
    expect(toleranceFor(iris, 0.02)).toBe(0.02);
    expect(optionError(() => toleranceFor(iris, 5)).rendered('action')).toBe(
      "input 'tolerance' for iris (a classifier, gated on macro-F1) must be a number from 0 to 1, got 5",
    );
    // The gate metric is called --metric on the command line and gate-metric in the train action.
    expect(optionError(() => gateMetricFor('gate-metric', iris, 'mae')).rendered('action')).toBe(
      "input 'gate-metric' is the gate metric of a regression dataset; iris is a classifier, gated on macro-F1",
    );
  });

  it('drift: not given → the spec decides; 0 → none; else from drift-start, the date, or today', () => {
    const none = { drift: undefined, driftStart: undefined };
    expect(drift(none, { date: undefined, now: NOW })).toBeUndefined();
    expect(drift({ drift: '0', driftStart: undefined }, { date: undefined, now: NOW })).toBeNull();
    expect(drift({ drift: '0.5', driftStart: undefined }, { date: undefined, now: NOW })).toEqual({
      start: '2026-11-24',
      sdPerDay: 0.5,
    });
    expect(drift({ drift: '-1', driftStart: undefined }, { date: '2026-10-01', now: NOW })).toEqual({
      start: '2026-10-01',
      sdPerDay: -1,
    });
    expect(drift({ drift: '1', driftStart: '2026-09-01' }, { date: '2026-10-01', now: NOW })?.start).toBe(
      '2026-09-01',
    );
    expect(
      optionError(() => drift({ drift: '11', driftStart: undefined }, { date: undefined, now: NOW })).rule,
    ).toBe("must be a number from -10 to 10, got '11'");
  });

  it('shard step: neither is the unsharded run; a shard is i/n within 1..256; partials resolve against the base', () => {
    expect(shardStep({ shard: undefined, merge: false, partials: undefined }, '/repo')).toEqual({
      shard: null,
      merge: false,
      partials: '/repo',
    });
    expect(shardStep({ shard: '2/3', merge: false, partials: 'p' }, '/repo')).toEqual({
      shard: { index: 2, count: 3 },
      merge: false,
      partials: path.resolve('/repo', 'p'),
    });
    expect(
      optionError(() => shardStep({ shard: undefined, merge: false, partials: 'p' }, '/repo')).rendered(
        'cli',
      ),
    ).toBe('--partials needs --shard i/n or --merge');
    for (const bad of ['0/2', '3/2', '1/257', 'x', '1/0'])
      expect(optionError(() => parseShard(bad)).rendered('action'), bad).toBe(
        `input 'shard' '${bad}' must be i/n with 1 ≤ i ≤ n ≤ 256 (e.g. 2/3 is the second of three shards)`,
      );
  });

  it('an empty command-line value is given (and wrong); an empty action input is not given', () => {
    expect(optionError(() => wholeNumber('days', '', DAYS)).rendered('cli')).toBe(
      "--days must be a whole number from 1 to 3660, got ''",
    );
    expect(inputsOf(['days'] as const, { days: '' }).integer('days', DAYS)).toBeUndefined();
  });
});

describe('error kinds decide exit codes', () => {
  it('the CLI maps usage → 64, partial → 3, input and failure → 1; a JavaScript error is 1', () => {
    expect(exitCodeOf(new OptionError('days', 'is wrong'))).toBe(64);
    expect(exitCodeOf(new UsageError('wrong'))).toBe(64);
    expect(exitCodeOf(new OptionError('partials', 'is not a folder', 'failure'))).toBe(1);
    expect(exitCodeOf(new InputError('x.csv line 2: bad'))).toBe(1);
    expect(exitCodeOf(new GitmlError('corrupt', undefined, 'partial'))).toBe(3);
    expect(exitCodeOf(new TypeError('a bug'))).toBe(1);
    expect(kindOf('not an error')).toBe('failure');
  });

  it('the CLI shows an option error its way, any other error as it is', () => {
    expect(messageOf(new OptionError('rows', "must be a whole number, got 'x'"))).toBe(
      "--rows must be a whole number, got 'x'",
    );
    expect(messageIn(new Error('plain'), 'action')).toBe('plain');
  });
});

// A dataset that is not there is thrown at once, on either surface.
describe('dataset selection', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gitml-options-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  it('refuses a folder with no datasets, whatever the selection', () => {
    const reader = inputsOf(['dataset'] as const, { dataset: '' });
    expect(() => reader.datasets(new Workspace(root))).toThrow(/no datasets in/);
  });
});
