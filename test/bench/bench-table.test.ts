// The README's benchmark table is generated from reports/bench/results.json (scripts/bench-table.mjs):
// the committed README must hold exactly what the committed results give.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  benchTable,
  currentBenchTable,
  END,
  RESULTS,
  START,
  withBenchTable,
} from '../../scripts/bench-table.mjs';
import { REPO_ROOT } from '../helpers/workspace.js';

const results = () => JSON.parse(readFileSync(path.join(REPO_ROOT, RESULTS), 'utf8'));

describe('README benchmark table', () => {
  it('equals the table generated from reports/bench/results.json (fix: node scripts/bench-table.mjs)', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(currentBenchTable(readme)).toBe(benchTable(results()));
  });

  it('has one row per results line, with the peer and the ratio beside ours', () => {
    const r = results();
    const rows = benchTable(r)
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| suite |'));
    expect(rows).toHaveLength(r.lines.length);
    const paired = r.lines.findIndex((l: { ratio?: unknown }) => l.ratio);
    expect(paired).toBeGreaterThanOrEqual(0);
    expect(rows[paired]).toMatch(/ ms \(.+\) \| \*\*\d+\.\d\d×\*\* \[/);
  });

  it('rewrites only the block between the markers, and names the markers when they are missing', () => {
    const readme = `# x\n\nprose before\n${START}\nold table\n${END}\nprose after\n`;
    expect(withBenchTable(readme, 'NEW')).toBe(`# x\n\nprose before\n${START}\nNEW\n${END}\nprose after\n`);
    expect(() => withBenchTable('# no block\n', 'NEW')).toThrow(/bench-table:start/);
  });
});
