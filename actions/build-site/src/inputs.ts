// The build-site action's inputs, declared once: INPUT_NAMES are action.yml's (test/repo/workflows.test.ts
// compares them), and readInputs can read no other.
import type { InputReader } from '../../lib/platform/action-inputs.js';

export const INPUT_NAMES = ['out-dir', 'dashboard-url', 'now'] as const;

export interface BuildSiteInputs {
  outDir: string;
  /** Given: the Pages address; empty: the default https://<owner>.github.io/<repo>/. */
  dashboardUrl: string;
  now: Date;
}

export function readInputs(input: InputReader<(typeof INPUT_NAMES)[number]>): BuildSiteInputs {
  return {
    outDir: input.string('out-dir', '_site'),
    dashboardUrl: input.string('dashboard-url'),
    now: input.now(),
  };
}
