// The ingest action's inputs, declared once: INPUT_NAMES are action.yml's (test/repo/workflows.test.ts
// compares them), and readInputs can read no other.
import { ActionInputError, type InputReader } from '../../lib/platform/action-inputs.js';

export const INPUT_NAMES = [
  'path',
  'dataset',
  'dry-run',
  'keep-files',
  'again',
  'token',
  'pull-request',
  'now',
] as const;

export interface IngestInputs {
  /** The inbox folder (or one file) relative to the repository. */
  path: string;
  /** Empty: every dataset's folder in the inbox. */
  dataset: string;
  dryRun: boolean;
  keepFiles: boolean;
  again: boolean;
  token: string;
  pullRequest: number | null;
  now: Date;
}

export function readInputs(input: InputReader<(typeof INPUT_NAMES)[number]>): IngestInputs {
  const inputs = {
    path: input.string('path', 'inbox'),
    dataset: input.string('dataset'),
    dryRun: input.boolean('dry-run', false),
    keepFiles: input.boolean('keep-files', false),
    again: input.boolean('again', false),
    token: input.string('token'),
    pullRequest: input.pullRequest(),
    now: input.now(),
  };
  if (inputs.pullRequest !== null && !inputs.token)
    throw new ActionInputError("input 'pull-request' needs input 'token'");
  return inputs;
}
