// The shape of dataset.yml: every key, its type, whether it is required and its default. One description
// serves two readers: the strict checker (spec-check.ts, messages with file:line:column) and the published
// JSON Schema (data/dataset.schema.json, for editors), so the two cannot disagree. Browser-safe.
import type { Algorithm } from '../models/algorithm-registry.js';
import { ALGORITHMS } from '../models/algorithms.js';
import { REGRESSION_ALGORITHMS } from '../models/regressors.js';
import { CSV_DELIMITERS } from './source-format.js';

/**
 * The most synthetic rows one day may have (spec generator.rowsPerDay, generate --rows): a day's rows are
 * built in memory, and a catch-up of 31 days at this size is already millions of rows.
 */
export const MAX_ROWS_PER_DAY = 100_000;
/** Columns every feature group has before its features; feature names may not reuse them. */
export const META_COLUMNS = ['id', 'event_time', 'source'] as const;

interface Common {
  description: string;
  /** Shown in messages and the schema; also what the parser uses when the key is absent. */
  default?: unknown;
  /** Said instead of the default when it is not a plain value (e.g. "the feature's name"). */
  defaultText?: string;
}

export type Shape =
  | (Common & { kind: 'text'; pattern?: string; patternRule?: string })
  | (Common & {
      kind: 'choice';
      values: readonly string[];
      /** Values a user may write that are not supported yet: the message says why. */
      unsupported?: Record<string, string>;
      /**
       * The values that fit the rest of this spec (model.algorithm: the label's task), listed when a
       * value is not one of `values`; a value of `values` outside them is left to a rule between keys.
       */
      fitting?: (spec: unknown) => readonly string[];
    })
  | (Common & { kind: 'number'; integer?: boolean; minimum?: number; maximum?: number })
  | (Common & { kind: 'boolean' })
  /** A category code: text, or a number YAML read from an unquoted value (`value: 3`). */
  | (Common & { kind: 'code' })
  | (Common & { kind: 'list'; items: Shape; minItems?: number; maxItems?: number })
  | (Common & ObjectShape);

export interface ObjectShape {
  kind: 'object';
  fields: Record<string, Shape>;
  required?: readonly string[];
  /** Exactly one of these keys must be present. */
  exactlyOne?: readonly string[];
  /** Keys that depend on the value of one key (e.g. a feature's type). */
  variants?: {
    key: string;
    cases: Record<
      string,
      {
        required?: readonly string[];
        forbidden?: readonly string[];
        /** Why a forbidden key is refused here and the way out, instead of the generic sentence. */
        forbiddenWhy?: Record<string, string>;
        fields?: Record<string, Shape>;
      }
    >;
  };
}

/** A name that becomes a column of the feature group. */
const SNAKE = { pattern: '^[a-z][a-z0-9_]*$', patternRule: 'lower_snake_case (a–z, 0–9, _; a letter first)' };
/** Any text that is not blank. */
const TEXT = { pattern: '\\S', patternRule: 'non-blank text' };

const text = (description: string, extra: Partial<Common> = {}): Shape => ({
  kind: 'text',
  ...TEXT,
  description,
  ...extra,
});

const category = (what: string): Shape => ({
  kind: 'object',
  description: `One ${what}: its stored code and the label people see.`,
  fields: {
    value: {
      kind: 'code',
      description: `The ${what}'s value as written in the CSV (no comma, quote or line break).`,
    },
    label: { kind: 'code', description: 'What people see.', defaultText: 'the value' },
  },
  required: ['value'],
});

const MISSING = ['reject', 'median', 'mode'] as const;

const FEATURE: Shape = {
  kind: 'object',
  description: 'A feature: one column of the raw CSV, stored in the feature group.',
  fields: {
    name: { kind: 'text', ...SNAKE, description: 'The stored name (lower_snake_case, unique).' },
    column: text("The raw CSV's column header.", { defaultText: 'the name' }),
    title: text('What people see.', { defaultText: 'the name' }),
    type: { kind: 'choice', values: ['numeric', 'categorical'], description: 'numeric or categorical.' },
    unit: text('Unit shown next to the value, e.g. cm.'),
    group: text("The predictor page's field group, e.g. Mean values."),
    missing: {
      kind: 'choice',
      values: MISSING,
      default: 'reject',
      description:
        'A blank value: reject (quarantine the row), median (numeric) or mode (categorical): the fill recorded at backfill.',
    },
    missingFlag: {
      kind: 'text',
      ...SNAKE,
      description: 'Name of a derived 0/1 feature that records that the value was blank.',
    },
    range: {
      kind: 'list',
      description: 'Numeric: the valid range [min, max], inclusive; values outside are quarantined.',
      items: { kind: 'number', description: 'A bound.' },
      minItems: 2,
      maxItems: 2,
    },
    decimals: {
      kind: 'number',
      integer: true,
      minimum: 0,
      maximum: 12,
      default: 6,
      description: 'Numeric: decimals kept for generated values (and the predictor slider step).',
    },
    categories: {
      kind: 'list',
      description: 'Categorical: the allowed values, in code order.',
      items: category('category'),
      minItems: 1,
    },
  },
  required: ['name', 'type'],
  variants: {
    key: 'type',
    cases: {
      numeric: {
        required: ['range'],
        forbidden: ['categories'],
        fields: {
          missing: {
            kind: 'choice',
            values: ['reject', 'median'],
            default: 'reject',
            description: 'A blank value: reject (quarantine the row) or median (fill with the median).',
          },
        },
      },
      categorical: {
        required: ['categories'],
        forbidden: ['range', 'decimals'],
        fields: {
          missing: {
            kind: 'choice',
            values: ['reject', 'mode'],
            default: 'reject',
            description: 'A blank value: reject (quarantine the row) or mode (fill with the most frequent).',
          },
        },
      },
    },
  },
};

/** Each algorithm's hyper-parameters by name, typed as its defaults are. */
function paramsShape(params: Record<string, number | string | boolean>): Shape {
  const fields: Record<string, Shape> = {};
  for (const [k, v] of Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const description = `Hyper-parameter ${k} (default ${String(v)}).`;
    fields[k] =
      typeof v === 'number'
        ? { kind: 'number', description, default: v }
        : typeof v === 'boolean'
          ? { kind: 'boolean', description, default: v }
          : { kind: 'text', ...TEXT, description, default: v };
  }
  return { kind: 'object', description: 'Hyper-parameters of the algorithm.', fields };
}

/** An algorithm's parameters with their defaults: what a model made without any reports. */
function defaultParams(
  a: Algorithm<{ params(): Record<string, number | string | boolean> }>,
): Record<string, number | string | boolean> {
  try {
    return a.create({}).params();
  } catch {
    return a.grid[0] ?? {}; // one that needs its parameters: the names its search grid uses
  }
}

/** Every algorithm a spec may name: the classifiers, then the regressors (spec-check matches it to the label). */
const ALL_ALGORITHMS = [...ALGORITHMS, ...REGRESSION_ALGORITHMS];

/** The algorithms of a spec's task: regressors for a numeric label, classifiers otherwise. */
export function algorithmsFor(spec: unknown): readonly { name: string }[] {
  const label = typeof spec === 'object' && spec !== null ? (spec as { label?: unknown }).label : undefined;
  const numeric =
    typeof label === 'object' && label !== null && (label as { type?: unknown }).type === 'numeric';
  return numeric ? REGRESSION_ALGORITHMS : ALGORITHMS;
}

const MODEL: Shape = {
  kind: 'object',
  description: 'The model that train --no-search fits.',
  fields: {
    algorithm: {
      kind: 'choice',
      values: ALL_ALGORITHMS.map((a) => a.name),
      default: 'gaussian-nb',
      defaultText: "'gaussian-nb' (classification), 'ridge' (regression)",
      fitting: (spec) => algorithmsFor(spec).map((a) => a.name),
      description:
        'The algorithm train --no-search fits: a classifier for a categorical label, a regressor for a numeric one.',
    },
    params: { kind: 'object', description: 'Hyper-parameters of the algorithm.', fields: {} },
  },
  variants: {
    key: 'algorithm',
    cases: Object.fromEntries(
      ALL_ALGORITHMS.map((a) => [a.name, { fields: { params: paramsShape(defaultParams(a)) } }]),
    ),
  },
};

/** The whole of dataset.yml. */
export const SPEC_SHAPE: ObjectShape & Common = {
  kind: 'object',
  description: 'A gitml dataset spec: data/<name>/dataset.yml, the only place that knows the dataset.',
  fields: {
    name: {
      kind: 'text',
      ...SNAKE,
      description: "The dataset's name: lower_snake_case, equal to its folder.",
    },
    title: text('What people see.', { defaultText: 'the name' }),
    description: text('One sentence: what is predicted from what.', { default: '' }),
    source: {
      kind: 'object',
      description: 'The raw CSV that backfill reads.',
      fields: {
        file: text('The raw CSV, relative to data/<name>/.'),
        citation: text('Where the data came from, and its licence.', { default: '' }),
        dropColumns: {
          kind: 'list',
          description: 'Raw columns that are known but not features (identifiers, free text).',
          items: text('A column header.'),
          default: [],
        },
        delimiter: {
          kind: 'choice',
          values: CSV_DELIMITERS,
          description: 'The field separator of the raw file (gitml init sniffs it).',
          default: ',',
        },
        decimal: {
          kind: 'choice',
          values: ['.', ','],
          description:
            "',' when numbers are written with a decimal comma (only with a delimiter other than ',').",
          default: '.',
        },
        skipLines: {
          kind: 'number',
          integer: true,
          minimum: 0,
          maximum: 1000,
          description: 'Lines before the header (or before the first record when columns is given).',
          default: 0,
        },
        columns: {
          kind: 'list',
          description: 'The column names of a file without a header row, in order.',
          items: text('A column name.'),
          minItems: 1,
          defaultText: 'the first line of the file is the header',
        },
        missingValues: {
          kind: 'list',
          description: 'Cell texts that mean a blank (like NA or ?), so the missing rules apply.',
          items: text('A cell text.'),
          default: [],
        },
      },
      required: ['file'],
    },
    primaryKey: {
      kind: 'object',
      description: 'The raw column that identifies a row.',
      defaultText: 'none: rows are numbered from 1 in source order',
      fields: {
        column: text('A column of whole numbers ≥ 1.'),
      },
    },
    eventTime: {
      kind: 'object',
      description: 'When each row happened: a column of the raw CSV, or one fixed instant for all rows.',
      fields: {
        column: text('A column of ISO-8601 dates or instants.'),
        fixed: {
          kind: 'text',
          pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z$',
          patternRule: "a UTC ISO-8601 instant like '2026-11-01T00:00:00Z'",
          description: "One UTC instant for every row, e.g. '2026-11-01T00:00:00Z'.",
        },
      },
      exactlyOne: ['column', 'fixed'],
    },
    label: {
      kind: 'object',
      description: 'What is predicted: a class (classification) or a number (regression).',
      fields: {
        column: text("The raw CSV's column header."),
        name: { kind: 'text', ...SNAKE, description: 'The stored name (lower_snake_case).' },
        title: text('What people see.', { defaultText: 'the name' }),
        type: {
          kind: 'choice',
          values: ['categorical', 'numeric'],
          default: 'categorical',
          description: 'categorical (classification: one of the classes) or numeric (regression: a number).',
        },
        classes: {
          kind: 'list',
          description: 'Categorical: the classes, at least two, in code order.',
          items: category('class'),
          minItems: 2,
        },
        unit: text('Numeric: unit shown beside a value, e.g. points.'),
        range: {
          kind: 'list',
          description: 'Numeric: the valid range [low, high], inclusive; a label outside it is quarantined.',
          items: { kind: 'number', description: 'A bound.' },
          minItems: 2,
          maxItems: 2,
        },
        decimals: {
          kind: 'number',
          integer: true,
          minimum: 0,
          maximum: 12,
          description: 'Numeric: decimals kept for generated and predicted values.',
        },
        tolerances: {
          kind: 'list',
          description:
            'Numeric: the tolerances T of "accuracy within T" (the share of predictions within T of the actual), in the unit.',
          items: { kind: 'number', minimum: 0, description: 'A tolerance, more than 0.' },
          minItems: 1,
          defaultText: '[0.5, 1] when decimals is 0, otherwise none',
        },
      },
      required: ['column', 'name'],
      variants: {
        key: 'type',
        cases: {
          categorical: { required: ['classes'], forbidden: ['unit', 'range', 'decimals', 'tolerances'] },
          numeric: {
            forbidden: ['classes'],
            forbiddenWhy: {
              classes:
                "a numeric label (regression) has no classes: remove 'classes', or set type: categorical to predict classes",
            },
          },
        },
      },
    },
    features: {
      kind: 'list',
      description: 'The features, in stored column order.',
      items: FEATURE,
      minItems: 1,
    },
    generator: {
      kind: 'object',
      description: 'The daily synthetic rows.',
      fields: {
        rowsPerDay: {
          kind: 'number',
          integer: true,
          minimum: 1,
          maximum: MAX_ROWS_PER_DAY,
          default: 1,
          description: 'Synthetic rows per day.',
        },
        shrinkage: {
          kind: 'number',
          minimum: 0,
          default: 10,
          description: "Pseudo-count that pulls a small class's covariance towards the pooled one.",
        },
        drift: {
          kind: 'object',
          description: 'Optional drift for demos: numeric means move after start.',
          fields: {
            start: {
              kind: 'text',
              pattern: '^\\d{4}-\\d{2}-\\d{2}$',
              patternRule: 'a date YYYY-MM-DD',
              description: 'The first drifting day, YYYY-MM-DD.',
            },
            sdPerDay: {
              kind: 'number',
              default: 0.05,
              description: 'Standard deviations the means move per day.',
            },
          },
          required: ['start'],
        },
      },
    },
    model: MODEL,
    monitoring: {
      kind: 'object',
      description: 'Alert thresholds.',
      fields: {
        accuracyThreshold: {
          kind: 'number',
          minimum: 0,
          maximum: 1,
          defaultText: "the champion's holdout accuracy − 0.15",
          description: 'Classification: alert when the rolling 30-day accuracy is below this.',
        },
        maeMargin: {
          kind: 'number',
          minimum: 0,
          defaultText: "25% of the champion's holdout MAE",
          description:
            "Regression: alert when the rolling 30-day MAE exceeds the champion's holdout MAE by more than this, in the label's unit.",
        },
      },
    },
  },
  required: ['name', 'source', 'eventTime', 'label', 'features'],
};
