// Writes an inferred spec as the YAML a person would write: the house style of data/*/dataset.yml
// (one-line numeric features, block categorical ones), with a comment on what was inferred from what.
import type { SourceFormat } from '../source-format.js';
import type { ColumnPlan, FeaturePlan } from './infer-columns.js';

export interface SpecText {
  name: string;
  title: string;
  description: string;
  /** Comment lines at the top, after the schema line. */
  header: string[];
  format: SourceFormat;
  /** Comment over source's reading keys (delimiter, decimal comma, skipped line, column names). */
  formatWhy: string[];
  plan: ColumnPlan;
  /** eventTime.fixed when the file has no timestamp column. */
  fixedTime: string;
}

export const SCHEMA_LINE = '# yaml-language-server: $schema=../dataset.schema.json';

const RESERVED = /^(true|false|yes|no|y|n|on|off|null|~)$/i;

/** A YAML scalar: plain when it reads back as the same string, in flow context too; else single-quoted. */
export function scalar(s: string): string {
  const plain =
    /^[A-Za-z(][A-Za-z0-9 _.()/%°³²µ'+-]*$/.test(s) &&
    !/\s$/.test(s) &&
    !RESERVED.test(s) &&
    !/ #|: /.test(s);
  return plain ? s : `'${s.replace(/'/g, "''")}'`;
}

const comment = (text: string, indent: string) => `${indent}# ${text.replace(/[\r\n]+/g, ' ')}`;
const list = (xs: string[]) => `[${xs.map(scalar).join(', ')}]`;

function numericLine(f: FeaturePlan): string {
  const parts = [
    `name: ${scalar(f.name)}`,
    ...(f.header !== f.name ? [`column: ${scalar(f.header)}`] : []),
    `title: ${scalar(f.title)}`,
    ...(f.group ? [`group: ${scalar(f.group)}`] : []),
    'type: numeric',
    `range: [${f.range?.[0]}, ${f.range?.[1]}]`,
    `decimals: ${f.decimals}`,
    ...(f.missing !== 'reject' ? [`missing: ${f.missing}`] : []),
    ...(f.missingFlag ? [`missingFlag: ${scalar(f.missingFlag)}`] : []),
  ];
  return `  - { ${parts.join(', ')} } # seen ${f.observed}`;
}

function categoricalLines(f: FeaturePlan): string[] {
  return [
    `  - name: ${scalar(f.name)}`,
    ...(f.header !== f.name ? [`    column: ${scalar(f.header)}`] : []),
    `    title: ${scalar(f.title)}`,
    ...(f.group ? [`    group: ${scalar(f.group)}`] : []),
    '    type: categorical',
    ...(f.missing !== 'reject' ? [`    missing: ${f.missing}`] : []),
    '    categories:',
    ...(f.categories ?? []).map((c) => `      - { value: ${scalar(c.value)}, label: ${scalar(c.label)} }`),
  ];
}

export function specYaml(s: SpecText): string {
  const { plan, format } = s;
  const lines = [SCHEMA_LINE, ...s.header.map((h) => comment(h, ''))];
  lines.push(`name: ${s.name}`, `title: ${scalar(s.title)}`, `description: ${scalar(s.description)}`);
  lines.push('source:', '  file: source.csv');
  lines.push(comment('citation: where the file came from and its licence (shown on the dataset page)', '  '));
  for (const w of s.formatWhy) lines.push(comment(w, '  '));
  if (format.delimiter)
    lines.push(`  delimiter: ${format.delimiter === '\t' ? '"\\t"' : `'${format.delimiter}'`}`);
  if (format.decimal) lines.push(`  decimal: '${format.decimal}'`);
  if (format.skipLines) lines.push(`  skipLines: ${format.skipLines}`);
  if (format.columns) lines.push(`  columns: ${list(format.columns)}`);
  if (format.missingValues) lines.push(`  missingValues: ${list(format.missingValues)}`);
  if (plan.dropped.length) {
    lines.push(comment('Not features:', '  '));
    for (const d of plan.dropped) lines.push(comment(`  ${d.header}: ${d.why}.`, '  '));
    lines.push(`  dropColumns: ${list(plan.dropped.map((d) => d.header))}`);
  }
  if (plan.key) {
    lines.push(comment(`'${plan.key.header}' identifies a row (${plan.key.why}).`, ''));
    lines.push('primaryKey:', `  column: ${scalar(plan.key.header)}`);
  } else {
    lines.push(comment('No identifier column: rows are numbered in source order from 1.', ''));
    lines.push('primaryKey: {}');
  }
  if (plan.time) {
    lines.push(comment(`Each row's time is '${plan.time.header}' (${plan.time.why}).`, ''));
    lines.push('eventTime:', `  column: ${scalar(plan.time.header)}`);
  } else {
    lines.push(
      comment('No timestamp column: backfilled rows are stamped with the day the spec was written.', ''),
    );
    lines.push('eventTime:', `  fixed: '${s.fixedTime}'`);
  }
  const label = plan.label;
  lines.push(comment(`'${label.header}': ${label.why}.`, ''));
  lines.push(
    'label:',
    `  column: ${scalar(label.header)}`,
    `  name: ${scalar(label.name)}`,
    `  title: ${scalar(label.title)}`,
  );
  if (label.type === 'numeric')
    lines.push(
      '  type: numeric',
      comment("unit: the value's unit, shown beside a prediction (e.g. points, kg): not in the file", '  '),
      `  range: [${label.range?.[0]}, ${label.range?.[1]}] # seen ${label.observed}`,
      `  decimals: ${label.decimals}`,
    );
  else
    lines.push(
      '  classes:',
      ...label.classes.map((c) => `    - { value: ${scalar(c.value)}, label: ${scalar(c.label)} }`),
    );
  if (plan.features.some((f) => f.type === 'numeric'))
    lines.push(
      comment(
        'Numeric ranges: the values seen (in the comment), padded and rounded out to round numbers;',
        '',
      ),
      comment(
        'decimals as written in the file. A value outside its range is quarantined, never clipped.',
        '',
      ),
    );
  lines.push('features:');
  for (const f of plan.features) {
    if (f.note) lines.push(comment(`${f.header}: ${f.note}.`, '  '));
    if (f.type === 'numeric') lines.push(numericLine(f));
    else lines.push(...categoricalLines(f));
  }
  lines.push('generator:', '  rowsPerDay: 1');
  lines.push(
    comment("train's cross-validation weighs every algorithm; this one is used by train --no-search.", ''),
    'model:',
    `  algorithm: ${label.type === 'numeric' ? 'random-forest-regressor' : 'random-forest'}`,
  );
  return `${lines.join('\n')}\n`;
}
