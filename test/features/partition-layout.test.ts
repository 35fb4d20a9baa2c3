// Where a group's partitions sit: a month's pieces in order, the earlier rows/ layout still read, and the
// layouts' conflicts (a month in both, a piece missing between two) refused with the way out.
import { describe, expect, it } from 'vitest';
import {
  assertCurrentLayout,
  partitionFile,
  partitionFilesIn,
} from '../../actions/lib/features/partition-layout.js';
import { memoryFiles } from './memory-files.js';

const dir = 'data/x/v1';

describe('partition-layout', () => {
  it('names a month piece by number: rows-YYYY-MM.csv, then rows-YYYY-MM-N.csv', () => {
    expect(partitionFile('2026-11')).toBe('rows-2026-11.csv');
    expect(partitionFile('2026-11', 3)).toBe('rows-2026-11-3.csv');
  });

  it("lists each month's pieces in number order (10 after 9), old-layout months beside new ones", () => {
    const names = ['rows-2026-12.csv', ...Array.from({ length: 9 }, (_, i) => `rows-2026-12-${i + 2}.csv`)];
    const files = memoryFiles({
      ...Object.fromEntries(names.map((n) => [`${dir}/${n}`, ''])),
      [`${dir}/rows/2026-10.csv`]: '',
      [`${dir}/metadata.json`]: '',
      [`${dir}/rows-notes.csv`]: '',
    });
    const byMonth = partitionFilesIn(files, dir);
    expect([...byMonth.keys()].sort()).toEqual(['2026-10', '2026-12']);
    expect(byMonth.get('2026-10')).toEqual([`${dir}/rows/2026-10.csv`]);
    expect(byMonth.get('2026-12')).toEqual([
      `${dir}/rows-2026-12.csv`,
      ...Array.from({ length: 9 }, (_, i) => `${dir}/rows-2026-12-${i + 2}.csv`),
    ]);
  });

  it('a missing piece between two is rows lost: named, with git checkout', () => {
    const files = memoryFiles({ [`${dir}/rows-2026-11.csv`]: '', [`${dir}/rows-2026-11-3.csv`]: '' });
    expect(() => partitionFilesIn(files, dir)).toThrow(
      `${dir}/rows-2026-11-2.csv: missing, but month 2026-11 has pieces up to rows-2026-11-3.csv; restore it with git (git checkout -- ${dir}/rows-2026-11-2.csv)`,
    );
  });

  it('a month in both layouts is refused: keep one', () => {
    const files = memoryFiles({ [`${dir}/rows-2026-11.csv`]: '', [`${dir}/rows/2026-11.csv`]: '' });
    expect(() => partitionFilesIn(files, dir)).toThrow(
      `${dir}/rows/2026-11.csv: month 2026-11 also has ${dir}/rows-2026-11.csv; keep one of the two (git rm)`,
    );
  });

  it('appending to the earlier layout asks for the git mv of each partition', () => {
    expect(() => assertCurrentLayout(memoryFiles({ [`${dir}/rows-2026-11.csv`]: '' }), dir)).not.toThrow();
    const old = memoryFiles({ [`${dir}/rows/2026-10.csv`]: '', [`${dir}/rows/2026-11.csv`]: '' });
    expect(() => assertCurrentLayout(old, dir)).toThrow(
      `${dir}/rows/: partitions in the earlier layout; move them beside metadata.json, then run again: git mv ${dir}/rows/2026-10.csv ${dir}/rows-2026-10.csv && git mv ${dir}/rows/2026-11.csv ${dir}/rows-2026-11.csv`,
    );
  });
});
