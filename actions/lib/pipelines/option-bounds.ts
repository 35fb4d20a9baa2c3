// The bounds of every count option, shared by the CLI and the actions (the bound is in each message).
// An unbounded count runs until memory runs out; a degenerate one (0 folds, a 0-day window) hits internals.
export { MAX_ROWS_PER_DAY } from '../spec/spec.js';

/** Cross-validation folds: at least 2 (train on some, score on the rest); more only multiplies the time. */
export const FOLDS = { min: 2, max: 20 } as const;
/** evaluate --seeds: how many seeded splits are averaged. */
export const SEEDS = { min: 1, max: 100 } as const;
/** A random seed: a 31-bit whole number. */
export const SEED = { min: 0, max: 2 ** 31 - 1 } as const;
/** The monitoring window in days: a window of 0 days has no rows; more than a year compares nothing recent. */
export const WINDOW_DAYS = { min: 1, max: 366 } as const;
/** A model version number. */
export const VERSION = { min: 1, max: 1_000_000 } as const;
/** A TCP port (0: any free port). */
export const PORT = { min: 0, max: 65535 } as const;
/** Drift in standard deviations per day: beyond this every value leaves its range within a day. */
export const DRIFT_SD_PER_DAY = { min: -10, max: 10 } as const;
/** The accuracy tolerance of the champion/challenger gate, a share. */
export const TOLERANCE = { min: 0, max: 1 } as const;
