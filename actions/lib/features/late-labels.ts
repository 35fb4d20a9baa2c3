// Labels that arrive after their row, data/<dataset>/v<N>/labels.csv (id, label, labelled_at): rows are
// append-only, so an outcome learnt later is its own append-only record, applied when the group is read
// (applyLateLabels). Reading it, and checking a batch of new ones: a label for an unknown id, for a row
// that already has one, or outside the classes (the range) is quarantined with its reason. Node-only.
import { stringify } from 'csv-stringify/sync';
import { isoSeconds } from '../core/time.js';
import type { FileSource } from '../platform/file-source.js';
import { numericLabel } from './clean.js';
import { parseCsvText } from './csv-input.js';
import type { FeatureTable } from './feature-table.js';
import { FeatureGroupError } from './group-error.js';
import { isNumericLabel, type StoredLabel } from './group-metadata.js';
import type { RejectedRow } from './rejected-rows.js';

/** A label for a row that was ingested without one, with where it came from. */
export interface LateLabel {
  id: number;
  label: string;
  origin: string;
  line: number;
  record: Record<string, string>;
}

/** Where a version keeps its late labels. */
export function labelsFile(dir: string): string {
  return `${dir}/labels.csv`;
}

/** The late labels by id: the class index, or the label's value for a numeric label; none without a file. */
export function readLateLabels(files: FileSource, file: string, label: StoredLabel): Map<number, number> {
  const bytes = files.readBytes(file);
  if (!bytes) return new Map();
  return parseLateLabels(Buffer.from(bytes).toString('utf8'), file, label);
}

/** labels.csv text by id (see readLateLabels); a line that is not an id and a label is refused. */
export function parseLateLabels(text: string, file: string, label: StoredLabel): Map<number, number> {
  const out = new Map<number, number>();
  const { name, classes } = label;
  const numeric = isNumericLabel(label);
  for (const r of parseCsvText(text, file).records) {
    const id = Number(r.values.id);
    const raw = r.values[name] ?? '';
    const checked = numeric ? numericLabel(label, raw) : null;
    const value =
      checked === null
        ? classes.findIndex((c) => c.value === raw)
        : typeof checked === 'string'
          ? -1
          : checked.value;
    if (!Number.isInteger(id) || (checked === null ? value < 0 : typeof checked === 'string')) {
      throw new FeatureGroupError(
        `${file} line ${r.line}: needs a whole-number id and ${numeric ? `a number${label.range ? ` in [${label.range.join(', ')}]` : ''} for` : 'a class of'} '${name}'`,
      );
    }
    out.set(id, value);
  }
  return out;
}

/**
 * New late labels checked against the group's rows (`table`, late labels applied): labels.csv as it
 * becomes (`old` plus the accepted ones; undefined when none is accepted) and the ones refused.
 */
export function checkLateLabels(
  entries: readonly LateLabel[],
  table: FeatureTable,
  label: StoredLabel,
  old: Uint8Array | null,
  now: Date,
): { labelsText: string | undefined; added: number; rejected: RejectedRow[] } {
  const numeric = isNumericLabel(label);
  const classes = label.classes.map((c) => c.value);
  // By id: the label's text as stored, '' while the row has none.
  const labelOf = new Map<number, string>();
  for (let i = 0; i < table.rows; i++)
    labelOf.set(
      table.ids[i],
      table.labels[i] < 0 ? '' : numeric ? String(table.targets[i]) : classes[table.labels[i]],
    );
  const rejected: RejectedRow[] = [];
  const accepted: string[][] = [];
  const at = isoSeconds(now);
  for (const e of entries) {
    const current = labelOf.get(e.id);
    const checked = numeric ? numericLabel(label, e.label) : null;
    const reason =
      current === undefined
        ? `id ${e.id} is not in the feature group`
        : current !== ''
          ? `id ${e.id} already has label '${current}'`
          : typeof checked === 'string'
            ? checked
            : checked === null && !classes.includes(e.label)
              ? `label '${label.name}' = '${e.label}' is not one of ${classes.join(', ')}`
              : null;
    if (reason) {
      rejected.push({ detectedAt: at, origin: e.origin, line: e.line, reason, record: e.record });
      continue;
    }
    const text = checked && typeof checked !== 'string' ? checked.text : e.label;
    labelOf.set(e.id, text);
    accepted.push([String(e.id), text, at]);
  }
  const prefix = old ? Buffer.from(old).toString('utf8') : stringify([['id', label.name, 'labelled_at']]);
  return {
    labelsText: accepted.length ? prefix + stringify(accepted) : undefined,
    added: accepted.length,
    rejected,
  };
}
