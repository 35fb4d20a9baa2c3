// `gitml validate`: everything that can be wrong with a dataset before a command trips on it — the spec
// (strictly, every problem at once), its columns against the raw CSV's header, and the spec against the
// schema its feature group stored. Reads only; a problem is a line with file:line:column where there is one.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { didYouMean } from '../core/did-you-mean.js';
import { FeatureGroup } from '../features/feature-group.js';
import { readInputFile } from '../files/input-file.js';
import { SPEC_FILE, type Workspace } from '../files/workspace.js';
import { type DatasetSpec, parseSpec } from '../spec/spec.js';
import { checkSpecText, formatProblem } from '../spec/spec-check.js';
import { csvHeader, headerList, missingColumns, unmentionedColumns } from '../spec/spec-columns.js';

export interface DatasetValidation {
  name: string;
  /** Each a full line: `data/iris/dataset.yml:12:5: …`. */
  problems: string[];
  /** Worth knowing, not wrong (e.g. CSV columns the spec does not mention). */
  notes: string[];
  /** Set when the spec is valid: a one-line summary. */
  summary?: string;
}

export function validateDataset(ws: Workspace, name: string): DatasetValidation {
  const file = path.join(ws.datasetDir(name), SPEC_FILE);
  const rel = ws.rel(file);
  const result: DatasetValidation = { name, problems: [], notes: [] };
  if (!/^[a-z][a-z0-9_]*$/.test(name) || !existsSync(file)) {
    const known = ws.datasetNames();
    result.problems.push(
      `${rel}: not found: no dataset '${name}'${didYouMean(name, known)} (known: ${known.join(', ') || 'none'})`,
    );
    return result;
  }
  let text: string;
  try {
    text = readInputFile(ws.root, file).toString('utf8');
  } catch (err) {
    result.problems.push((err as Error).message);
    return result;
  }
  const { raw, problems, locate } = checkSpecText(text, { folder: name });
  result.problems.push(...problems.map((p) => formatProblem(rel, p)));
  const at = (p: Parameters<typeof locate>[0]) => {
    const pos = locate(p);
    return pos ? `${rel}:${pos.line}:${pos.column}` : rel;
  };
  if (raw === undefined) return result; // the YAML itself is broken: nothing more can be read

  // The raw CSV: every column the spec names must be in its header (read from the raw value, so a
  // misspelt key elsewhere does not hide a wrong column).
  const sourceFile = (raw as { source?: { file?: unknown } })?.source?.file;
  let columns = 'source not read';
  if (typeof sourceFile === 'string' && sourceFile.trim() !== '') {
    const source = path.join(ws.datasetDir(name), sourceFile);
    const sourceRel = ws.rel(source);
    if (!existsSync(source)) {
      const files = readdirSync(ws.datasetDir(name)).filter((f) => /\.(csv|tsv|txt)$/i.test(f));
      result.problems.push(
        `${at(['source', 'file'])}: source.file '${sourceFile}': ${sourceRel} not found${didYouMean(sourceFile, files)}${files.length ? ` (CSV files here: ${files.join(', ')})` : ''}`,
      );
    } else {
      try {
        const header = csvHeader(readInputFile(ws.root, source).toString('utf8'), sourceRel);
        const missing = missingColumns(raw, header, { dropped: true });
        for (const m of missing)
          result.problems.push(
            `${at(m.path)}: ${m.message} is not a column of ${sourceRel}; ${headerList(header)}`,
          );
        // A header offered as a column's likely spelling is not also "not used".
        const offered = new Set(missing.map((m) => m.near));
        const unmentioned = unmentionedColumns(raw, header).filter((c) => !offered.has(c));
        const them = unmentioned.length > 1;
        if (unmentioned.length)
          result.notes.push(
            `${sourceRel}: column${them ? 's' : ''} ${unmentioned.map((c) => `'${c}'`).join(', ')} ${them ? 'are' : 'is'} not used: add ${them ? 'them' : 'it'} to features, or list ${them ? 'them' : 'it'} in source.dropColumns to say so`,
          );
        if (missing.length === 0) columns = `${sourceRel} has every column`;
      } catch (err) {
        result.problems.push((err as Error).message);
      }
    }
  }
  // The rest needs a whole spec: after any problem above, the problems stand on their own.
  if (result.problems.length > 0) return result;
  let spec: DatasetSpec;
  try {
    spec = parseSpec(raw, rel);
  } catch (err) {
    result.problems.push((err as Error).message);
    return result;
  }

  // The feature group: the spec's schema must still be the stored one (the check every command makes).
  let group = 'not backfilled yet';
  if (FeatureGroup.exists(ws, spec)) {
    try {
      const fg = FeatureGroup.open(ws, spec);
      group = `${fg.dir} matches the spec`;
    } catch (err) {
      result.problems.push((err as Error).message);
    }
  }
  if (result.problems.length === 0) {
    const features = spec.features.length;
    const label =
      spec.label.type === 'numeric'
        ? `a numeric label (regression${spec.label.range ? `, ${spec.label.range[0]}–${spec.label.range[1]}` : ''}${spec.label.unit ? ` ${spec.label.unit}` : ''})`
        : `${spec.label.classes.length} classes`;
    result.summary = `${features} feature${features > 1 ? 's' : ''}, ${label}; ${columns}; ${group}`;
  }
  return result;
}

/** Folders of data/ that hold no dataset.yml: probably a dataset someone meant to add. */
export function foldersWithoutSpec(ws: Workspace): string[] {
  if (!existsSync(ws.dataDir)) return [];
  return readdirSync(ws.dataDir, { withFileTypes: true })
    .filter(
      (d) =>
        d.isDirectory() && !d.name.startsWith('.') && !existsSync(path.join(ws.dataDir, d.name, SPEC_FILE)),
    )
    .map((d) => d.name)
    .sort();
}
