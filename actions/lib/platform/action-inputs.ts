// An action's inputs, read and checked: each action declares its input names once (src/inputs.ts,
// INPUT_NAMES, compared with its action.yml by test/workflows.test.ts) and reads them through an
// InputReader typed by those names, so reading an undeclared input does not compile. Values come from
// a function (the runner's `core.getInput`, or a plain record in the in-process tests, which also refuses
// a name the action does not declare: the composite readers below read fixed names).
import path from 'node:path';
import { GitmlError } from '../core/gitml-error.js';
import { parseCalendarDate, parseInstant } from '../core/time.js';
import type { SelectedDataset, Workspace } from '../files/workspace.js';
import { parseShard, type Shard } from '../pipelines/sharding.js';

/** A wrong input: the message names the input and the rule it breaks. */
export class ActionInputError extends GitmlError {
  override name = 'ActionInputError';
}

/** One input's text: '' when not given (the runner fills in action.yml defaults). */
export type InputSource = (name: string) => string;

/** A sharded stage's step: one shard's part, the merge of all parts, or neither. */
export interface ShardStep {
  shard: Shard | null;
  merge: boolean;
  partials: string;
}

function invalid(name: string, rule: string, value: string): ActionInputError {
  return new ActionInputError(`input '${name}' ${rule}, got '${value}'`);
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
    throw invalid(name, 'must be true or false', v);
  }

  integer(name: N, range: { min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(name);
    if (v === '') return undefined;
    const n = Number(v);
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
    if (!Number.isInteger(n) || n < min || n > max) {
      const bounds = range.min !== undefined || range.max !== undefined ? ` from ${min} to ${max}` : '';
      throw invalid(name, `must be a whole number${bounds}`, v);
    }
    return n;
  }

  number(name: N, range: { min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(name);
    if (v === '') return undefined;
    const n = Number(v);
    const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = range;
    if (!Number.isFinite(n) || n < min || n > max) {
      const bounds =
        range.max !== undefined ? ` from ${min} to ${max}` : range.min !== undefined ? ` ≥ ${range.min}` : '';
      throw invalid(name, `must be a number${bounds}`, v);
    }
    return n;
  }

  /** A UTC calendar date YYYY-MM-DD. */
  date(name: N): string | undefined {
    const v = this.raw(name);
    if (v === '') return undefined;
    try {
      return parseCalendarDate(v, `input '${name}'`);
    } catch (err) {
      throw new ActionInputError((err as Error).message);
    }
  }

  choice<T extends string>(name: N, options: readonly T[], fallback: T): T {
    const v = this.raw(name);
    if (v === '') return fallback;
    if (!(options as readonly string[]).includes(v))
      throw invalid(name, `must be one of ${options.join(', ')}`, v);
    return v as T;
  }

  /** The pipeline clock: input 'now' (ISO 8601, for reproducible re-runs and tests) or the real time. */
  now(): Date {
    const v = this.rawOf('now');
    let d: Date;
    if (v === '') d = new Date();
    else {
      try {
        d = new Date(parseInstant(v, "input 'now'"));
      } catch (err) {
        throw new ActionInputError((err as Error).message);
      }
    }
    this.resolvedNow = d.toISOString(); // a replay of this stage runs with the same clock
    return d;
  }

  /**
   * Input 'dataset': `all` or comma-separated names of folders under data/ with a dataset.yml. Each comes
   * with its spec or the error of its invalid dataset.yml: eachDataset reports that dataset as failed and
   * runs the others. A name that is no dataset at all is an input error.
   */
  datasets(ws: Workspace): SelectedDataset[] {
    const selected = ws.selectEachDataset(this.rawOf('dataset') || 'all');
    if (selected.length === 0)
      throw new ActionInputError(`input 'dataset': no datasets found under ${ws.dataDir}`);
    return selected;
  }

  /**
   * Inputs 'shard', 'merge' and 'partials' of a sharded stage: one shard's part (shard 'i/n'), the merge of
   * all parts, or neither. partials is resolved against the workspace; a shard or a merge needs it.
   */
  shardStep(ws: Workspace): ShardStep {
    const given = this.rawOf('shard');
    const merge = this.boolean('merge' as N, false);
    const partials = this.rawOf('partials');
    if (given && merge) throw new ActionInputError("inputs 'shard' and 'merge' are separate steps; give one");
    if ((given || merge) && !partials)
      throw new ActionInputError(`input '${merge ? 'merge' : 'shard'}' needs input 'partials'`);
    let shard: Shard | null = null;
    if (given) {
      try {
        shard = parseShard(given);
      } catch (err) {
        throw new ActionInputError(`input ${(err as Error).message}`);
      }
    }
    return { shard, merge, partials: path.resolve(ws.root, partials) };
  }

  /** A pull-request number, or null when not given. */
  pullRequest(): number | null {
    return this.integer('pull-request' as N, { min: 1 }) ?? null;
  }
}
