// Which classes a chart shows one by one, and in which colour. Up to COLOURED_CLASSES classes every class is
// its own entry with its own colour; past that, the KEPT_CLASSES classes with the most rows (ties: class
// order) keep theirs and the rest are merged into one grey "Other classes (n)" entry, so a 50-class
// dataset gives legends and confusion matrices a reader can still take in, with no colour used twice.
import {
  COLOURED_CLASSES,
  classPalette,
  KEPT_CLASSES,
  keptPalette,
  OTHER_COLOUR,
  otherLabel,
} from './class-colours.js';
import type { MonitoringReport } from './monitoring-types.js';

export interface ClassEntries {
  /** Entry labels in class order, the merged entry last. */
  labels: string[];
  /** One distinct colour per entry. */
  colours: string[];
  /** Entry index of each class (by class index). */
  entryOf: number[];
  /** Classes merged into the last entry (0: every class is its own entry). */
  merged: number;
}

/** Entries for the report's classes, ranked by `weights` (rows per class) when they must be merged. */
export function classEntries(r: MonitoringReport, weights: readonly number[]): ClassEntries {
  const n = r.classes.length;
  if (n <= COLOURED_CLASSES)
    return {
      labels: r.classes.map((c) => c.label),
      colours: classPalette(n),
      entryOf: r.classes.map((_, i) => i),
      merged: 0,
    };
  const ranked = r.classes.map((_, i) => i).sort((a, b) => (weights[b] ?? 0) - (weights[a] ?? 0) || a - b);
  const kept = ranked.slice(0, KEPT_CLASSES).sort((a, b) => a - b);
  const entryOf = r.classes.map(() => KEPT_CLASSES);
  kept.forEach((c, e) => {
    entryOf[c] = e;
  });
  return {
    labels: [...kept.map((c) => r.classes[c].label), otherLabel(n - KEPT_CLASSES)],
    colours: [...keptPalette(KEPT_CLASSES), OTHER_COLOUR],
    entryOf,
    merged: n - KEPT_CLASSES,
  };
}

/** The class-mix chart's entries: ranked by predictions over every day of the report. */
export function classMixEntries(r: MonitoringReport): ClassEntries {
  return classEntries(
    r,
    r.classes.map((c) => r.daily.reduce((s, d) => s + (d.predicted[c.value] ?? 0), 0)),
  );
}

/** A confusion matrix's entries: ranked by the class's rows as actual plus as predicted. */
export function confusionEntries(r: MonitoringReport, m: readonly number[][]): ClassEntries {
  return classEntries(
    r,
    r.classes.map((_, i) => {
      let rows = 0;
      for (let j = 0; j < r.classes.length; j++) rows += (m[i]?.[j] ?? 0) + (m[j]?.[i] ?? 0);
      return rows;
    }),
  );
}

/** The rule in words, for a chart's subtitle; empty when nothing was merged. */
export function mergedNote(e: ClassEntries, by: string): string {
  return e.merged === 0
    ? ''
    : `${e.labels.length - 1} classes with the most ${by} shown; ${e.merged} others merged into “${e.labels[e.labels.length - 1]}”`;
}
