// Field groups for the predictor (the spec's `group` key): features that share a first or last name
// word — mean_radius, mean_texture…; radius_error, texture_error…; worst_radius… — form a group.
import { sentenceTitle } from './naming.js';

/** A group needs at least this many features; smaller shared words (sepal_length, sepal_width) are chance. */
export const MIN_GROUP_SIZE = 3;

/** Group title by feature name, for the features that fall into a group (largest groups claim first). */
export function featureGroups(names: readonly string[]): Map<string, string> {
  const candidates = new Map<string, string[]>();
  const add = (key: string, name: string) => candidates.set(key, [...(candidates.get(key) ?? []), name]);
  for (const name of names) {
    const words = name.split('_');
    if (words.length < 2) continue;
    add(`prefix:${words[0]}`, name);
    add(`suffix:${words[words.length - 1]}`, name);
  }
  const ranked = [...candidates.entries()]
    .filter(([, members]) => members.length >= MIN_GROUP_SIZE && members.length < names.length)
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const out = new Map<string, string>();
  for (const [key, members] of ranked) {
    const free = members.filter((m) => !out.has(m));
    if (free.length < MIN_GROUP_SIZE) continue;
    const title = sentenceTitle(key.slice(key.indexOf(':') + 1));
    for (const m of free) out.set(m, title);
  }
  return out;
}
