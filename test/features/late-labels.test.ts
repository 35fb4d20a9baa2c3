// Late labels: labels.csv read by id (a class index, or a numeric label's value), a bad line refused with
// its line, and a batch of new labels checked against the rows (unknown id, already labelled, not a class).
import { describe, expect, it } from 'vitest';
import { emptyTable } from '../../actions/lib/features/feature-table.js';
import type { StoredLabel } from '../../actions/lib/features/group-metadata.js';
import { checkLateLabels, parseLateLabels, readLateLabels } from '../../actions/lib/features/late-labels.js';
import { memoryFiles } from './memory-files.js';

const classes: StoredLabel = {
  name: 'variety',
  title: 'Variety',
  classes: [
    { value: 'Setosa', label: 'Setosa' },
    { value: 'Virginica', label: 'Virginica' },
  ],
};
const score: StoredLabel = {
  name: 'quality',
  title: 'Quality',
  classes: [],
  type: 'numeric',
  range: [0, 10],
};
const file = 'data/x/v1/labels.csv';

describe('late-labels: reading labels.csv', () => {
  it('by id: the class index, or the value of a numeric label; no file, none', () => {
    const text = 'id,variety,labelled_at\n3,Virginica,2026-11-24T12:00:00Z\n7,Setosa,2026-11-24T12:00:00Z\n';
    expect([...parseLateLabels(text, file, classes)]).toEqual([
      [3, 1],
      [7, 0],
    ]);
    expect([...parseLateLabels('id,quality,labelled_at\n4,6.5,2026-11-24T12:00:00Z\n', file, score)]).toEqual(
      [[4, 6.5]],
    );
    expect(readLateLabels(memoryFiles({}), file, classes).size).toBe(0);
  });

  it('a line without a whole-number id and a label is refused at its line', () => {
    expect(() => parseLateLabels('id,variety,labelled_at\n3,Rosa,x\n', file, classes)).toThrow(
      `${file} line 2: needs a whole-number id and a class of 'variety'`,
    );
    expect(() => parseLateLabels('id,quality,labelled_at\n4,11,x\n', file, score)).toThrow(
      `${file} line 2: needs a whole-number id and a number in [0, 10] for 'quality'`,
    );
  });
});

describe('late-labels: checking new labels against the rows', () => {
  // Rows 1 (labelled Setosa) and 2 (no label yet).
  const table = emptyTable(0, 2);
  table.rows = 2;
  table.ids.set([1, 2]);
  table.labels.set([0, -1]);
  const at = new Date('2026-11-24T12:00:00.250Z');
  const entry = (id: number, label: string, line: number) => ({
    id,
    label,
    origin: 'l.csv',
    line,
    record: {},
  });

  it('accepts a label for an unlabelled row once; refuses the rest with their reasons', () => {
    const r = checkLateLabels(
      [
        entry(2, 'Rosa', 2),
        entry(2, 'Virginica', 3),
        entry(2, 'Setosa', 4),
        entry(1, 'Virginica', 5),
        entry(9, 'Setosa', 6),
      ],
      table,
      classes,
      null,
      at,
    );
    expect(r.added).toBe(1);
    expect(r.labelsText).toBe('id,variety,labelled_at\n2,Virginica,2026-11-24T12:00:00Z\n');
    expect(r.rejected.map((x) => `${x.line} ${x.reason}`)).toEqual([
      "2 label 'variety' = 'Rosa' is not one of Setosa, Virginica",
      "4 id 2 already has label 'Virginica'",
      "5 id 1 already has label 'Setosa'",
      '6 id 9 is not in the feature group',
    ]);
  });

  it('appends to the labels.csv there is; nothing accepted, nothing to write', () => {
    const old = Buffer.from('id,variety,labelled_at\n5,Setosa,2026-11-20T00:00:00Z\n');
    expect(checkLateLabels([entry(2, 'Setosa', 2)], table, classes, old, at).labelsText).toBe(
      `${old}2,Setosa,2026-11-24T12:00:00Z\n`,
    );
    expect(checkLateLabels([entry(1, 'Setosa', 2)], table, classes, old, at).labelsText).toBeUndefined();
  });
});
