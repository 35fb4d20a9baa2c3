// The commit action's inputs, declared once: INPUT_NAMES are action.yml's (test/repo/workflows.test.ts
// compares them), and readInputs can read no other.
import { utcDate } from '../../lib/core/time.js';
import type { InputReader } from '../../lib/platform/action-inputs.js';
import type { BodyInputs } from './body.js';

export const INPUT_NAMES = [
  'paths',
  'summary',
  'date',
  'datasets',
  'rows-added',
  'model-versions',
  'details',
  'push',
  'branch',
  'remote',
  'max-attempts',
  'max-replays',
  'token',
  'now',
] as const;

export interface CommitInputs {
  paths: string[];
  /** The commit's first line, {date} and {paths} filled in. */
  summary: string;
  /** The facts of the commit message body (JSON inputs, checked by commitBody). */
  body: BodyInputs;
  push: boolean;
  branch: string | undefined;
  remote: string;
  maxAttempts: number;
  maxReplays: number;
  /** Undefined (the GITML_PUSH_TOKEN secret is not set): push with the credentials actions/checkout persisted. */
  token: string | undefined;
}

export function readInputs(input: InputReader<(typeof INPUT_NAMES)[number]>): CommitInputs {
  const paths = input
    .string('paths', 'data models reports')
    .split(/[\s,]+/)
    .filter(Boolean);
  const now = input.now();
  const date = input.date('date') ?? utcDate(now);
  return {
    paths,
    summary: input
      .string('summary', 'gitml: update {paths} for {date}')
      .replaceAll('{date}', date)
      .replaceAll('{paths}', paths.join(', ')),
    body: {
      date,
      datasets: input.string('datasets'),
      rowsAdded: input.string('rows-added'),
      modelVersions: input.string('model-versions'),
      details: input.string('details'),
    },
    push: input.boolean('push', true),
    branch: input.string('branch') || undefined,
    remote: input.string('remote', 'origin'),
    maxAttempts: input.integer('max-attempts', { min: 1, max: 20 }) ?? 5,
    maxReplays: input.integer('max-replays', { min: 0, max: 10 }) ?? 3,
    token: input.string('token').trim() || undefined,
  };
}
