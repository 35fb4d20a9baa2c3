// The error of a bad input file (its name, line and rule in the message); its own module so that reading
// a file (input-file.ts) does not pull the CSV parser into bundles that never parse CSV.
import { type ErrorLocation, GitmlError } from './gitml-error.js';

export class InputError extends GitmlError {
  override name = 'InputError';

  constructor(message: string, at?: ErrorLocation) {
    super(message, at, 'input');
  }
}
