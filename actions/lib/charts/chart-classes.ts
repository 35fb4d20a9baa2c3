// Which classes a chart shows one by one, and in which colour. Up to COLOURED_CLASSES classes every class is
// its own entry with its own colour; past that, the KEPT_CLASSES classes with the most rows (ties: class
// order) keep theirs and the rest are merged into one grey "Other classes (n)" entry, so a 50-class
// dataset gives legends and confusion matrices a reader can still take in, with no colour used twice.

import type { MonitoringReport } from '../monitoring/monitoring-types.js';
import {
  COLOURED_CLASSES,
  classPalette,
  KEPT_CLASSES,
  keptPalette,
  OTHER_COLOUR,
  otherLabel,
} from './class-colours.js';

export interface ClassEntries {
  /** Entry labels in class order, the merged entry last. */
  labels: string[];
  /**
   * The labels as axes and legends show them: past FEW_ENTRIES entries, each at most SHORT_LABEL
   * characters and still telling the classes apart (see shortLabels); tooltips keep `labels`.
   */
  short: string[];
  /** One distinct colour per entry. */
  colours: string[];
  /** Entry index of each class (by class index). */
  entryOf: number[];
  /** Classes merged into the last entry (0: every class is its own entry). */
  merged: number;
}

/** Up to this many entries, labels are shown whole (the charts give them room). */
export const FEW_ENTRIES = 4;
/** The longest label an axis or legend of many entries shows, in characters. */
export const SHORT_LABEL = 20;

/**
 * Labels cut to `max` characters that stay distinct: the words all labels share at the start and the end
 * ("Species number … of the list") give way to the words that differ, so "Species number 07 of the very
 * long list" becomes "Species number 07 …" rather than "Species number…" like every other one. A cut
 * that still collides gets its position appended.
 */
export function shortLabels(labels: readonly string[], max: number): string[] {
  const length = (t: string) => Array.from(t).length;
  const cut = (t: string, n: number) =>
    length(t) <= n
      ? t
      : `${Array.from(t)
          .slice(0, n - 1)
          .join('')}…`;
  const split = (l: string) => l.split(/\s+/).filter(Boolean);
  // The shared words are those of the labels that need a cut ("Other classes (32)" does not).
  const words = labels.filter((l) => length(l) > max).map(split);
  const shortest = Math.min(...words.map((w) => w.length));
  const fromEnd = (w: string[], k: number) => w[w.length - 1 - k];
  let head = 0;
  while (words.length > 1 && head < shortest && words.every((w) => w[head] === words[0][head])) head++;
  let tail = 0;
  while (
    words.length > 1 &&
    head + tail < shortest &&
    words.every((w) => fromEnd(w, tail) === fromEnd(words[0], tail))
  )
    tail++;
  const out = labels.map((label) => {
    if (length(label) <= max) return label;
    const w = split(label);
    const core = w.slice(head, w.length - tail).join(' ');
    const after = tail > 0 ? ' …' : '';
    for (const candidate of [`${w.slice(0, head).join(' ')} ${core}${after}`.trim(), `… ${core}${after}`])
      if (core !== '' && length(candidate) <= max) return candidate;
    return cut(core || label, max);
  });
  const seen = new Map<string, number>();
  for (const t of out) seen.set(t, (seen.get(t) ?? 0) + 1);
  return out.map((t, i) => {
    if (seen.get(t) === 1) return t;
    const n = ` #${i + 1}`;
    return `${cut(t, max - length(n))}${n}`;
  });
}

function withShort(labels: string[], colours: string[], entryOf: number[], merged: number): ClassEntries {
  const short = labels.length > FEW_ENTRIES ? shortLabels(labels, SHORT_LABEL) : labels;
  return { labels, short, colours, entryOf, merged };
}

/** Entries for the report's classes, ranked by `weights` (rows per class) when they must be merged. */
export function classEntries(r: MonitoringReport, weights: readonly number[]): ClassEntries {
  const n = r.classes.length;
  if (n <= COLOURED_CLASSES)
    return withShort(
      r.classes.map((c) => c.label),
      classPalette(n),
      r.classes.map((_, i) => i),
      0,
    );
  const ranked = r.classes.map((_, i) => i).sort((a, b) => (weights[b] ?? 0) - (weights[a] ?? 0) || a - b);
  const kept = ranked.slice(0, KEPT_CLASSES).sort((a, b) => a - b);
  const entryOf = r.classes.map(() => KEPT_CLASSES);
  kept.forEach((c, e) => {
    entryOf[c] = e;
  });
  return withShort(
    [...kept.map((c) => r.classes[c].label), otherLabel(n - KEPT_CLASSES)],
    [...keptPalette(KEPT_CLASSES), OTHER_COLOUR],
    entryOf,
    n - KEPT_CLASSES,
  );
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
