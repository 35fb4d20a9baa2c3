// The error of a sharded run whose partials or data do not add up; the way out is in its message.
import { GitmlError } from '../../core/gitml-error.js';

export class ShardError extends GitmlError {
  override name = 'ShardError';
}
