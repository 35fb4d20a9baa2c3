// The feature store's errors: a FeatureGroupError names the group's file and the rule it breaks; a
// SchemaEditError is the one refusal every command gives when dataset.yml no longer matches the rows.
import { GitmlError } from '../core/gitml-error.js';

export class FeatureGroupError extends GitmlError {
  override name = 'FeatureGroupError';
}

/** dataset.yml was edited after backfill in a way the stored rows cannot follow. */
export class SchemaEditError extends FeatureGroupError {
  override name = 'SchemaEditError';
}
