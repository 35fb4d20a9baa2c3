// The commit action's entry point: the runner's inputs, core and workspace → run().
import { actionMain } from '../../lib/platform/action-kit.js';
import { readInputs } from './inputs.js';
import { run } from './main.js';

await actionMain(readInputs, run);
