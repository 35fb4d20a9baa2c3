// Cleaning, one rule at a time: strict numbers, numeric labels, fill values (median, mode) and how a raw
// record becomes a stored row or goes to quarantine with every reason, in the words rejected.csv uses.
import { describe, expect, it } from 'vitest';
import {
  checkValue,
  cleanRecord,
  computeFills,
  FillAccumulator,
  numericLabel,
  parseNumber,
} from '../../actions/lib/features/clean.js';
import { type DatasetSpec, parseSpec } from '../../actions/lib/spec/spec.js';

/** A small classification spec: a numeric feature filled with its median (and flagged), a rejected one, a mode-filled category. */
function shipSpec(): DatasetSpec {
  return parseSpec(
    {
      name: 'ships',
      source: { file: 'source.csv' },
      eventTime: { fixed: '2026-11-01T00:00:00Z' },
      label: {
        column: 'Class',
        name: 'class',
        classes: [{ value: '1' }, { value: '2' }, { value: '3' }],
      },
      features: [
        {
          name: 'age',
          column: 'Age',
          type: 'numeric',
          range: [0, 100],
          missing: 'median',
          missingFlag: 'age_missing',
        },
        { name: 'fare', type: 'numeric', range: [0, 500] },
        {
          name: 'port',
          column: 'Embarked',
          type: 'categorical',
          missing: 'mode',
          categories: [{ value: 'C' }, { value: 'Q' }, { value: 'S' }],
        },
      ],
    },
    'ships/dataset.yml',
  );
}

/** A regression spec: the label is a score from 0 to 10. */
function scoreSpec(): DatasetSpec {
  return parseSpec(
    {
      name: 'scores',
      source: { file: 'source.csv' },
      eventTime: { fixed: '2026-11-01T00:00:00Z' },
      label: { column: 'quality', name: 'quality', type: 'numeric', range: [0, 10] },
      features: [{ name: 'alcohol', type: 'numeric', range: [5, 20] }],
    },
    'scores/dataset.yml',
  );
}

const record = (age: string, fare: string, port: string, label: string) => ({
  Age: age,
  fare,
  Embarked: port,
  Class: label,
});

describe('parseNumber accepts plain decimals only', () => {
  it('reads integers, decimals, a leading sign, a bare point and exponents', () => {
    expect(['7', '-1.5', '+2', '.5', '5.', '1e3', '2.5E-2'].map((t) => parseNumber(t, 'x'))).toEqual([
      7, -1.5, 2, 0.5, 5, 1000, 0.025,
    ]);
  });

  it('a text is "not a number", naming the column and the text', () => {
    expect(parseNumber('abc', 'Age')).toBe("'Age' = 'abc' is not a number");
    expect(parseNumber('1,5', 'Age')).toBe("'Age' = '1,5' is not a number");
    expect(parseNumber('0x10', 'Age')).toBe("'Age' = '0x10' is not a number");
  });

  it('NaN, inf and an overflow are "not a finite number"', () => {
    for (const t of ['NaN', '-inf', 'Infinity', '1e999'])
      expect(parseNumber(t, 'Age')).toBe(`'Age' = '${t}' is not a finite number`);
  });
});

describe('numericLabel (regression)', () => {
  const rule = { name: 'quality', range: [0, 10] as const };

  it('stores the shortest text, so 6.0 and 6 are one value', () => {
    expect(numericLabel(rule, '6.0')).toEqual({ value: 6, text: '6' });
    expect(numericLabel(rule, '7.50')).toEqual({ value: 7.5, text: '7.5' });
  });

  it('a text, NaN or Infinity is "not a number"', () => {
    for (const t of ['abc', 'NaN', 'Infinity'])
      expect(numericLabel(rule, t)).toBe(`label 'quality' = '${t}' is not a number`);
  });

  it('a value outside the range names the range; the ends are inside', () => {
    expect(numericLabel(rule, '11')).toBe("label 'quality' = 11 is outside [0, 10]");
    expect(numericLabel(rule, '-0.5')).toBe("label 'quality' = -0.5 is outside [0, 10]");
    expect(numericLabel(rule, '10')).toEqual({ value: 10, text: '10' });
    expect(numericLabel({ name: 'quality' }, '1e6')).toEqual({ value: 1e6, text: '1000000' });
  });
});

describe('fill values', () => {
  it('numeric: the median of the present numbers (odd count: the middle one)', () => {
    const fills = computeFills(shipSpec(), [
      record('30', '1', 'S', '1'),
      record('10', '1', 'S', '1'),
      record('22', '1', 'S', '1'),
    ]);
    expect(fills.age).toBe('22');
  });

  it('numeric: the median of an even count is the mean of the two middle ones', () => {
    const fills = computeFills(shipSpec(), [
      record('1', '1', 'S', '1'),
      record('2', '1', 'S', '1'),
      record('3', '1', 'S', '1'),
      record('10', '1', 'S', '1'),
    ]);
    expect(fills.age).toBe('2.5');
  });

  it('numeric: blanks and texts that are not numbers do not count', () => {
    const fills = computeFills(shipSpec(), [
      record('', '1', 'S', '1'),
      record('abc', '1', 'S', '1'),
      record(' 4 ', '1', 'S', '1'),
      record('8', '1', 'S', '1'),
    ]);
    expect(fills.age).toBe('6');
  });

  it('categorical: the most frequent category; a tie goes to the first in the spec', () => {
    const spec = shipSpec();
    expect(
      computeFills(spec, [record('1', '1', 'S', '1'), record('1', '1', 'Q', '1'), record('1', '1', 'Q', '1')])
        .port,
    ).toBe('Q');
    expect(computeFills(spec, [record('1', '1', 'S', '1'), record('1', '1', 'C', '1')]).port).toBe('C');
  });

  it('a feature whose missing rule is reject has no fill; a feature never seen has none either', () => {
    const fills = computeFills(shipSpec(), [record('', '3', 'X', '1')]);
    expect(fills).toEqual({});
  });

  it('FillAccumulator past its first 1024 numbers gives the same median as computeFills', () => {
    const records = Array.from({ length: 3001 }, (_, i) => record(String((i * 37) % 100), '1', 'S', '1'));
    const acc = new FillAccumulator(shipSpec());
    for (const r of records) acc.add(r);
    const sorted = records.map((r) => Number(r.Age)).sort((a, b) => a - b);
    expect(acc.result()).toEqual(computeFills(shipSpec(), records));
    expect(acc.result().age).toBe(String(sorted[1500]));
  });
});

describe('checkValue', () => {
  const [age, , port] = shipSpec().features;

  it('an empty value is missing, named by the column', () => {
    expect(checkValue(age, '', 'Age')).toBe("'Age' is missing");
  });

  it('a numeric value must be a number inside the range (the ends included)', () => {
    expect(checkValue(age, '0')).toBeNull();
    expect(checkValue(age, '100')).toBeNull();
    expect(checkValue(age, '101', 'Age')).toBe("'Age' = 101 is outside the valid range [0, 100]");
    expect(checkValue(age, 'old', 'Age')).toBe("'Age' = 'old' is not a number");
  });

  it('a categorical value must be one of the categories, listed in the reason', () => {
    expect(checkValue(port, 'S')).toBeNull();
    expect(checkValue(port, 's', 'Embarked')).toBe("'Embarked' = 's' is not one of C, Q, S");
  });
});

describe('cleanRecord', () => {
  const spec = shipSpec();
  const fills = { age: '28', port: 'S' };

  it('a complete record: values by stored name, numbers in shortest form, the flag 0', () => {
    expect(cleanRecord(spec, fills, record(' 22.0 ', '7.250', 'C', '3'), { labelRequired: true })).toEqual({
      values: { age: '22', age_missing: '0', fare: '7.25', port: 'C' },
      label: '3',
    });
  });

  it('a blank with a fill rule takes the recorded fill and sets the was-missing flag', () => {
    expect(cleanRecord(spec, fills, record('', '10', '', '1'), { labelRequired: true })).toEqual({
      values: { age: '28', age_missing: '1', fare: '10', port: 'S' },
      label: '1',
    });
  });

  it('a blank with a fill rule but no recorded fill is a reason, not a guess', () => {
    expect(cleanRecord(spec, {}, record('', '10', 'S', '1'), { labelRequired: true })).toEqual({
      reasons: ["'age' is missing and no fill value was recorded", "'Age' is missing"],
    });
  });

  it('reads the stored name when the source column is absent (a user CSV)', () => {
    const userRow = { age: '40', fare: '5', port: 'Q', class: '2' };
    expect(cleanRecord(spec, fills, userRow, { labelRequired: true })).toEqual({
      values: { age: '40', age_missing: '0', fare: '5', port: 'Q' },
      label: '2',
    });
  });

  it('every broken rule of a record is reported at once, in feature order then the label', () => {
    expect(cleanRecord(spec, fills, record('200', '', 'X', '9'), { labelRequired: true })).toEqual({
      reasons: [
        "'Age' = 200 is outside the valid range [0, 100]",
        "'fare' is missing",
        "'Embarked' = 'X' is not one of C, Q, S",
        "label 'class' = '9' is not one of 1, 2, 3",
      ],
    });
  });

  it('a missing label is a reason only when the label is required (ingest waits for actuals)', () => {
    expect(cleanRecord(spec, fills, record('1', '1', 'S', ''), { labelRequired: true })).toEqual({
      reasons: ["label 'class' is missing"],
    });
    expect(cleanRecord(spec, fills, record('1', '1', 'S', ''), { labelRequired: false })).toEqual({
      values: { age: '1', age_missing: '0', fare: '1', port: 'S' },
      label: '',
    });
  });

  it('a numeric spelling of a numeric class value maps to the class (3.0 is class 3)', () => {
    const r = cleanRecord(spec, fills, record('1', '1', 'S', '3.0'), { labelRequired: true });
    expect(r).toMatchObject({ label: '3' });
  });

  it('regression: the label is stored in shortest form, or rejected with its reason', () => {
    const s = scoreSpec();
    expect(cleanRecord(s, {}, { alcohol: '9.50', quality: '6.0' }, { labelRequired: true })).toEqual({
      values: { alcohol: '9.5' },
      label: '6',
    });
    expect(cleanRecord(s, {}, { alcohol: '9.5', quality: '12' }, { labelRequired: true })).toEqual({
      reasons: ["label 'quality' = 12 is outside [0, 10]"],
    });
  });
});
