// The predictor's form state in the URL query (?feature=value&…), so a link restores the same input.
// Values travel as the text typed, unvalidated: a bad value in a shared link shows as an inline error.

export interface NamedFeature {
  name: string;
  initial: string;
}

/** Form values from a query string: the query's value where present, else the feature's starting value. */
export function readQuery(search: string, features: readonly NamedFeature[]): Record<string, string> {
  const q = new URLSearchParams(search);
  const values: Record<string, string> = {};
  for (const f of features) values[f.name] = q.get(f.name) ?? f.initial;
  return values;
}

/** The query string for form values, in feature order (stable links). */
export function writeQuery(
  values: Readonly<Record<string, string>>,
  features: readonly NamedFeature[],
): string {
  const q = new URLSearchParams();
  for (const f of features) q.set(f.name, values[f.name] ?? '');
  return `?${q.toString()}`;
}
