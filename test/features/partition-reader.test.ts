// The columnar partition reader, directly: what a good partition becomes (ids, instants, source codes,
// numbers, category and label codes), the hand edits it tolerates (BOM, CRLF, quotes, blank lines), each
// rule broken once with its exact `<file> line <n>: <rule>` message, and the two byte parsers against
// JavaScript's own Number() and Date.parse().
import { describe, expect, it } from 'vitest';
import { GitmlError } from '../../actions/lib/core/gitml-error.js';
import { emptyTable, SOURCE_CODE } from '../../actions/lib/features/feature-table.js';
import {
  countRows,
  headerOf,
  PartitionError,
  type PartitionLayout,
  parseIsoInstant,
  parseNumberBytes,
  readPartition,
  readPartitionInto,
} from '../../actions/lib/features/partition-reader.js';

const FILE = 'data/ships/v1/rows-2026-11.csv';
const HEADER = 'id,event_time,source,age,port,survived';

/** A classification layout: one numeric feature with a range, one categorical, a yes/no label. */
const layout: PartitionLayout = {
  features: [
    { name: 'age', title: 'Age', type: 'numeric', range: [0, 100] },
    {
      name: 'port',
      title: 'Port',
      type: 'categorical',
      categories: [
        { value: 'C', label: 'Cherbourg' },
        { value: 'Q', label: 'Queenstown' },
        { value: 'S', label: 'Southampton' },
      ],
    },
  ],
  labelName: 'survived',
  classes: [
    { value: 'no', label: 'No' },
    { value: 'yes', label: 'Yes' },
  ],
};

/** A regression layout: the label is a number from 0 to 10. */
const numeric: PartitionLayout = {
  features: [{ name: 'alcohol', title: 'Alcohol', type: 'numeric' }],
  labelName: 'quality',
  classes: [],
  numericLabel: { range: [0, 10] },
};

const bytes = (text: string) => new TextEncoder().encode(text);
const read = (text: string, l: PartitionLayout = layout) => readPartition(bytes(text), l, FILE);

/** The message of the error reading `text` throws (the test fails if it reads without one). */
function errorOf(text: string, l: PartitionLayout = layout): string {
  try {
    read(text, l);
  } catch (err) {
    expect(err).toBeInstanceOf(PartitionError);
    return (err as Error).message;
  }
  throw new Error(`expected reading to fail:\n${text}`);
}

const row = (fields: string) => `${HEADER}\n${fields}\n`;

describe('headerOf and countRows', () => {
  it('the header is id, event_time, source, the features in order, then the label', () => {
    expect(headerOf(layout).join(',')).toBe(HEADER);
  });

  it('counts data lines after the header, with or without a final newline, skipping blank lines', () => {
    expect(countRows(bytes(''))).toBe(0);
    expect(countRows(bytes(HEADER))).toBe(0);
    expect(countRows(bytes(`${HEADER}\n`))).toBe(0);
    expect(countRows(bytes(`${HEADER}\na\nb\n`))).toBe(2);
    expect(countRows(bytes(`${HEADER}\na\nb`))).toBe(2);
    expect(countRows(bytes(`${HEADER}\na\n\n\nb\n`))).toBe(2);
  });
});

describe('a good partition', () => {
  const text = [
    HEADER,
    '1,2026-11-01T00:00:00Z,backfill,22,S,no',
    '2,2026-11-02T06:30:15Z,synthetic,0.5,C,yes',
    '3,2026-11-03T23:59:59.250Z,ingest,100,Q,',
    '',
  ].join('\n');

  it('reads ids, instants (epoch ms), source codes, numbers, category codes and label codes', () => {
    const t = read(text);
    expect(t.rows).toBe(3);
    expect([...t.ids]).toEqual([1, 2, 3]);
    expect([...t.eventTimes]).toEqual(
      ['2026-11-01T00:00:00Z', '2026-11-02T06:30:15Z', '2026-11-03T23:59:59.250Z'].map(Date.parse),
    );
    expect([...t.sources]).toEqual([SOURCE_CODE.backfill, SOURCE_CODE.synthetic, SOURCE_CODE.ingest]);
    expect([...t.columns[0]]).toEqual([22, 0.5, 100]);
    expect([...t.columns[1]]).toEqual([2, 0, 1]);
  });

  it('an empty label is -1: the row waits for its actual', () => {
    expect([...read(text).labels]).toEqual([0, 1, -1]);
  });

  it('a byte-order mark, CRLF line ends, quoted fields and blank lines read the same', () => {
    const edited = `\ufeff${HEADER}\r\n1,2026-11-01T00:00:00Z,"backfill",22,"S",no\r\n\n2,2026-11-02T06:30:15Z,synthetic,0.5,C,yes\r\n`;
    const t = read(edited);
    expect(t.rows).toBe(2);
    expect([...t.columns[0]]).toEqual([22, 0.5]);
    expect([...t.columns[1]]).toEqual([2, 0]);
    expect([...t.labels]).toEqual([0, 1]);
  });

  it('a doubled quote inside a quoted field is one quote (and then not a category)', () => {
    expect(errorOf(row('1,2026-11-01T00:00:00Z,backfill,22,"S""",no'))).toBe(
      `${FILE} line 2: 'port' = 'S"' is not one of C, Q, S`,
    );
  });

  it('readPartitionInto appends at an offset of a preallocated table and returns the rows read', () => {
    const t = emptyTable(2, 5);
    expect(readPartitionInto(bytes(text), layout, FILE, t, 2)).toBe(3);
    expect([...t.ids]).toEqual([0, 0, 1, 2, 3]);
    expect([...t.columns[0]]).toEqual([0, 0, 22, 0.5, 100]);
  });

  it('regression: the label goes to targets; labels say labelled (0) or not (-1)', () => {
    const t = read(
      'id,event_time,source,alcohol,quality\n1,2026-11-01T00:00:00Z,backfill,9.5,6\n2,2026-11-01T00:00:00Z,ingest,12,\n',
      numeric,
    );
    expect([...t.labels]).toEqual([0, -1]);
    expect(t.targets[0]).toBe(6);
    expect(t.targets[1]).toBeNaN();
  });
});

describe('each broken rule has its message, naming the file and line', () => {
  it('a header that is not the feature group’s columns', () => {
    expect(errorOf('id,event_time,source,port,age,survived\n')).toBe(
      `${FILE} line 1: header 'id,event_time,source,port,age,survived' does not match the feature group's columns '${HEADER}'`,
    );
  });

  it('an id that is not a positive whole number', () => {
    for (const id of ['0', '1.5', '-3', 'x'])
      expect(errorOf(row(`${id},2026-11-01T00:00:00Z,backfill,22,S,no`))).toBe(
        `${FILE} line 2: id '${id}' is not a positive whole number`,
      );
  });

  it('an event_time that is not UTC ISO-8601', () => {
    for (const time of ['2026-11-01', '2026-11-01T00:00:00+01:00', '2026-02-30T00:00:00Z'])
      expect(errorOf(row(`1,${time},backfill,22,S,no`))).toBe(
        `${FILE} line 2: event_time '${time}' is not UTC ISO-8601 (YYYY-MM-DDTHH:MM:SSZ)`,
      );
  });

  it('a source that is not one of the three', () => {
    expect(errorOf(row('1,2026-11-01T00:00:00Z,manual,22,S,no'))).toBe(
      `${FILE} line 2: source 'manual' is not one of backfill, synthetic, ingest`,
    );
  });

  it('a numeric feature that is not a number, or outside its range', () => {
    expect(errorOf(row('1,2026-11-01T00:00:00Z,backfill,old,S,no'))).toBe(
      `${FILE} line 2: 'age' = 'old' is not a number`,
    );
    expect(errorOf(row('1,2026-11-01T00:00:00Z,backfill,100.5,S,no'))).toBe(
      `${FILE} line 2: 'age' = 100.5 is outside the valid range [0, 100]`,
    );
  });

  it('a category that is not one of the feature’s', () => {
    expect(errorOf(row('1,2026-11-01T00:00:00Z,backfill,22,s,no'))).toBe(
      `${FILE} line 2: 'port' = 's' is not one of C, Q, S`,
    );
  });

  it('a class label that is not one of the classes', () => {
    expect(errorOf(row('1,2026-11-01T00:00:00Z,backfill,22,S,maybe'))).toBe(
      `${FILE} line 2: label 'survived' = 'maybe' is not one of no, yes`,
    );
  });

  it('a regression label that is not a number, or outside its range', () => {
    const head = 'id,event_time,source,alcohol,quality\n';
    expect(errorOf(`${head}1,2026-11-01T00:00:00Z,backfill,9.5,good\n`, numeric)).toBe(
      `${FILE} line 2: label 'quality' = 'good' is not a number`,
    );
    expect(errorOf(`${head}1,2026-11-01T00:00:00Z,backfill,9.5,11\n`, numeric)).toBe(
      `${FILE} line 2: label 'quality' = 11 is outside [0, 10]`,
    );
  });

  it('too few or too many fields', () => {
    expect(errorOf(row('1,2026-11-01T00:00:00Z,backfill,22,S'))).toBe(
      `${FILE} line 2: has 5 fields, expected 6`,
    );
    expect(errorOf(row('1,2026-11-01T00:00:00Z,backfill,22,S,no,extra'))).toBe(
      `${FILE} line 2: has more than 6 fields`,
    );
  });

  it('an unterminated quoted field', () => {
    expect(errorOf(`${HEADER}\n1,2026-11-01T00:00:00Z,backfill,22,"S,no\n`)).toBe(
      `${FILE} line 2: unterminated quoted field`,
    );
  });

  it('the line number counts blank lines, and the error carries file and line for annotations', () => {
    const text = `${HEADER}\n1,2026-11-01T00:00:00Z,backfill,22,S,no\n\n2,2026-11-01T00:00:00Z,backfill,22,X,no\n`;
    expect(errorOf(text)).toBe(`${FILE} line 4: 'port' = 'X' is not one of C, Q, S`);
    try {
      read(text);
    } catch (err) {
      expect(err).toBeInstanceOf(GitmlError);
      expect((err as GitmlError).at).toEqual({ file: FILE, line: 4 });
    }
  });

  // Found by this test (fixed): after a quoted last field on a CRLF line, the reader stepped onto the LF
  // and took it for a blank line, so every later error named a line one too far.
  it('a quoted label on a CRLF line does not shift the next error’s line number', () => {
    const text = `${HEADER}\r\n1,2026-11-01T00:00:00Z,backfill,22,S,"no"\r\n2,2026-11-01T00:00:00Z,backfill,22,X,no\r\n`;
    expect(errorOf(text)).toBe(`${FILE} line 3: 'port' = 'X' is not one of C, Q, S`);
  });

  // Found by this test (fixed): a blank line was tolerated with LF line ends but not with CRLF, where the
  // lone CR read as a row of one empty field.
  it('a blank line in a CRLF file is tolerated as in an LF file', () => {
    const t = read(
      `${HEADER}\r\n1,2026-11-01T00:00:00Z,backfill,22,S,no\r\n\r\n2,2026-11-01T00:00:00Z,backfill,22,C,no\r\n`,
    );
    expect(t.rows).toBe(2);
  });
});

describe('parseNumberBytes equals Number() on plain decimals', () => {
  const parse = (text: string) => parseNumberBytes(bytes(text), 0, text.length);

  it('on integers, decimals, signs, exponents and more than 15 significant digits', () => {
    const texts = [
      '0',
      '-0',
      '7',
      '+7',
      '-1.5',
      '0.1',
      '.5',
      '5.',
      '3.14159',
      '1e3',
      '1E-7',
      '2.5e+22',
      '123456789012345',
      '1234567890123456789',
      '0.30000000000000004',
      '9007199254740993',
      '1e-30',
      '6.02214076e23',
    ];
    expect(texts.map(parse)).toEqual(texts.map(Number));
  });

  it('NaN for an empty field and for anything that is not a plain decimal', () => {
    for (const text of ['', '-', '.', 'abc', '1e', '1.2.3', '1,5', '0x10', 'Infinity', ' 1'])
      expect(parse(text), `'${text}'`).toBeNaN();
  });

  it('reads a field inside a larger buffer by its bounds', () => {
    const b = bytes('x,12.5,y');
    expect(parseNumberBytes(b, 2, 6)).toBe(12.5);
  });
});

describe('parseIsoInstant equals Date.parse() on UTC instants', () => {
  const parse = (text: string) => parseIsoInstant(bytes(text), 0, text.length);

  it('on seconds and milliseconds, leap days and the ends of months and years', () => {
    const texts = [
      '1970-01-01T00:00:00Z',
      '2026-11-24T12:00:00Z',
      '2024-02-29T23:59:59Z',
      '2000-02-29T00:00:00Z',
      '2026-12-31T23:59:59.999Z',
      '1969-07-20T20:17:40Z',
      '2100-03-01T00:00:00.001Z',
    ];
    expect(texts.map(parse)).toEqual(texts.map(Date.parse));
  });

  it('NaN for a date that does not exist, an offset, a missing Z or a wrong length', () => {
    for (const text of [
      '2026-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-24T24:00:00Z',
      '2026-11-24T12:60:00Z',
      '2026-11-24T12:00:00',
      '2026-11-24 12:00:00Z',
      '2026-11-24T12:00:00.5Z',
      '2026-11-24T12:00:00,000Z',
      '2026-1a-24T12:00:00Z',
    ])
      expect(parse(text), text).toBeNaN();
  });
});
