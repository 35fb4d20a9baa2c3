// An action's inputs, read and checked: each action declares its input names once (src/inputs.ts,
// INPUT_NAMES, compared with its action.yml by test/repo/workflows.test.ts) and reads them through an
// InputReader typed by those names, so reading an undeclared input does not compile. Values come from
// a function (the runner's `core.getInput`, or a plain record in the in-process tests, which also refuses
// a name the action does not declare: the composite readers below read fixed names).
// The rules are the one option policy's (pipelines/options.ts), shared with the CLI; its errors are
// rethrown here named as inputs (`input 'days' …`).
import { GitmlError } from '../core/gitml-error.js';
import type { SelectedDataset, Workspace } from '../files/workspace.js';
import {
  calendarDate,
  choice,
  clock,
  type Drift,
  drift,
  finiteNumber,
  OptionError,
  type ShardStep,
  selectDatasets,
  shardStep,
  tolerance,
  wholeNumber,
} from '../pipelines/options.js';

/** A wrong input: the message names the input and the rule it breaks (exit 1, as every failed step). */
export class ActionInputError extends GitmlError {
  override name = 'ActionInputError';

  constructor(message: string) {
    super(message, undefined, 'usage');
  }
}

/** One input's text: '' when not given (the runner fills in action.yml defaults). */
export type InputSource = (name: string) => string;

/** Runs the one option policy (pipelines/options.ts) on inputs: its errors name them `input 'days'`. */
function asInput<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof OptionError) throw new ActionInputError(err.rendered('action'));
    throw err;
  }
}

const TRUE = /^(true|yes|on|1)$/i;
const FALSE = /^(false|no|off|0)$/i;

/** Readers for the inputs named N; each takes the input's name as declared in action.yml. */
export class InputReader<N extends string = string> {
  /** The pipeline clock read by now(), for the record a replay runs with. */
  resolvedNow: string | undefined;

  constructor(private readonly source: InputSource) {}

  private raw(name: N): string {
    return this.source(name);
  }

  /** For the composite readers below, whose names the `this` type has already checked. */
  protected rawOf(name: string): string {
    return this.source(name);
  }

  /** The input's text for the option policy: undefined when not given. */
  private text(name: string): string | undefined {
    return this.source(name) || undefined;
  }

  /** Whether the input was given at all (a non-empty value). */
  given(name: N): boolean {
    return this.raw(name) !== '';
  }

  string(name: N, fallback = ''): string {
    return this.raw(name) || fallback;
  }

  required(name: N): string {
    const v = this.raw(name);
    if (!v) throw new ActionInputError(`input '${name}' is required`);
    return v;
  }

  boolean(name: N, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === '') return fallback;
    if (TRUE.test(v)) return true;
    if (FALSE.test(v)) return false;
    throw new ActionInputError(`input '${name}' must be true or false, got '${v}'`);
  }

  /** A whole number within range (pipelines/options.ts wholeNumber); undefined when not given. */
  integer(name: N, range: { min?: number; max?: number } = {}): number | undefined {
    return asInput(() => wholeNumber(name, this.text(name), range));
  }

  /** A finite number within range; undefined when not given. */
  number(name: N, range: { min?: number; max?: number } = {}): number | undefined {
    return asInput(() => finiteNumber(name, this.text(name), range));
  }

  /** A UTC calendar date YYYY-MM-DD. */
  date(name: N): string | undefined {
    return asInput(() => calendarDate(name, this.text(name)));
  }

  choice<T extends string>(name: N, options: readonly T[], fallback: T): T {
    return asInput(() => choice(name, this.text(name), options)) ?? fallback;
  }

  /** The pipeline clock: input 'now' (ISO 8601, for reproducible re-runs and tests) or the real time. */
  now(): Date {
    const d = asInput(() => clock(this.text('now')));
    this.resolvedNow = d.toISOString(); // a replay of this stage runs with the same clock
    return d;
  }

  /**
   * Input 'dataset' (pipelines/options.ts selectDatasets): each dataset with its spec or the error of its
   * invalid dataset.yml (eachDataset reports that one as failed and runs the others).
   */
  datasets(ws: Workspace): SelectedDataset[] {
    return asInput(() => selectDatasets(ws, this.text('dataset')));
  }

  /** Inputs 'shard', 'merge' and 'partials' of a sharded stage (pipelines/options.ts shardStep). */
  shardStep(ws: Workspace): ShardStep {
    const merge = this.boolean('merge' as N, false);
    return asInput(() =>
      shardStep({ shard: this.text('shard'), merge, partials: this.text('partials') }, ws.root),
    );
  }

  /** Inputs 'drift' and 'drift-start' of generate (pipelines/options.ts drift); `defaults` for the start. */
  drift(defaults: { date: string | undefined; now: Date }): Drift {
    return asInput(() =>
      drift({ drift: this.text('drift'), driftStart: this.text('drift-start') }, defaults),
    );
  }

  /** Input 'tolerance' of the gate (pipelines/options.ts tolerance). */
  tolerance(regressionSelected: boolean): number | undefined {
    return asInput(() => tolerance(this.text('tolerance'), regressionSelected));
  }

  /** A pull-request number, or null when not given. */
  pullRequest(): number | null {
    return this.integer('pull-request' as N, { min: 1 }) ?? null;
  }
}
