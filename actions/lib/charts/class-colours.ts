// Class colours shared by the dashboard charts, the predictor's bars and the class glyphs, so one class has
// one colour everywhere. Colours never repeat silently: up to 10 classes get Vega's "tableau10", up to 20
// its "tableau20"; past 20 a colour would no longer tell classes apart, so charts that colour by class keep
// the KEPT_CLASSES most frequent classes and merge the rest into one grey "Other" entry (and the predictor,
// which writes every class name next to its bar, draws every bar in one colour).

/** Vega's "tableau10" scheme, the default for nominal colours. */
export const TABLEAU10 = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
];

/** Vega's "tableau20" scheme: tableau10's hues, each with a light partner. */
export const TABLEAU20 = [
  '#4c78a8',
  '#9ecae9',
  '#f58518',
  '#ffbf79',
  '#54a24b',
  '#88d27a',
  '#b79a20',
  '#f2cf5b',
  '#439894',
  '#83bcb6',
  '#e45756',
  '#ff9d98',
  '#79706e',
  '#bab0ac',
  '#d67195',
  '#fcbfd2',
  '#b279a2',
  '#d6a5c9',
  '#9e765f',
  '#d8b5a5',
];

/** The most classes a chart colours one by one. */
export const COLOURED_CLASSES = 20;
/** Classes a chart keeps apart when it merges the rest: one per colour of tableau20 without its greys. */
export const KEPT_CLASSES = 18;
/** The merged classes' colour: a grey that tableau20 without its own greys does not use. */
export const OTHER_COLOUR = '#bab0ac';
/** One colour for every class when there are too many to tell apart by colour. */
export const SINGLE_COLOUR = TABLEAU10[0];

/** Distinct colours for `count` classes (count ≤ COLOURED_CLASSES), in class order. */
export function classPalette(count: number): string[] {
  if (count <= TABLEAU10.length) return TABLEAU10.slice(0, count);
  if (count <= TABLEAU20.length) return TABLEAU20.slice(0, count);
  throw new RangeError(`${count} classes: at most ${COLOURED_CLASSES} get their own colour`);
}

/** Colours for the kept classes when the rest are merged into "Other": tableau20 without its greys. */
export function keptPalette(count: number): string[] {
  if (count > KEPT_CLASSES) throw new RangeError(`${count} kept classes: at most ${KEPT_CLASSES}`);
  return TABLEAU20.filter((c) => c !== OTHER_COLOUR && c !== '#79706e').slice(0, count);
}

/** Class `index`'s colour among `count` classes (one shared colour past COLOURED_CLASSES). */
export function classColour(index: number, count: number): string {
  return count > COLOURED_CLASSES ? SINGLE_COLOUR : classPalette(count)[index];
}

/** The label of the merged entry, e.g. "Other classes (31)". */
export function otherLabel(merged: number): string {
  return `Other classes (${merged})`;
}
