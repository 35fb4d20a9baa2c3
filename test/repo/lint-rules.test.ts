// The folder rules of actions/lib/README.md are lint errors, not comments: files planted in a copy of the
// layout, linted with the repository's own biome.json, must fail exactly where the README says they do.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/workspace.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gitml-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = JSON.parse(readFileSync(path.join(REPO_ROOT, 'biome.json'), 'utf8'));
delete config.$schema;
writeFileSync(path.join(dir, 'biome.json'), JSON.stringify(config));
cpSync(path.join(REPO_ROOT, 'actions', 'lib', 'README.md'), path.join(dir, 'README.md'));

const IMPORTS = {
  fs: "import { readFileSync } from 'node:fs';\n\nexport const use = readFileSync;\n",
  childProcess: "import { spawn } from 'node:child_process';\n\nexport const use = spawn;\n",
  actionsCore: "import { getInput } from '@actions/core';\n\nexport const use = getInput;\n",
};

/** The diagnostics of `rule` biome reports for `source` planted at `rel`. */
function diagnostics(rule: string, rel: string, source: string): string[] {
  const file = path.join(dir, ...rel.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, source);
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'biome');
  let output: string;
  try {
    output = execFileSync(bin, ['lint', '--max-diagnostics=50', rel], {
      cwd: dir,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  } finally {
    rmSync(file);
  }
  return output.split('\n').filter((l) => l.includes(rule));
}

const restrictedImports = (rel: string, source: string) =>
  diagnostics('lint/style/noRestrictedImports', rel, source);

/** A function of `lines` statements (one line each), exported so it is not dead code. */
function functionOf(lines: number, ignore?: string): string {
  const body = Array.from({ length: lines }, (_, i) => `  total += ${i};`).join('\n');
  return `${ignore ? `// biome-ignore lint/complexity/noExcessiveLinesPerFunction: ${ignore}\n` : ''}export function planted(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
}

describe('the folder rules of actions/lib are lint errors', () => {
  it.each([
    'actions/lib/core/planted.ts',
    'actions/lib/spec/planted.ts',
    'actions/lib/models/planted.ts',
    'actions/lib/explain/planted.ts',
    'actions/lib/charts/planted.ts',
    'actions/lib/monitoring/planted.ts',
    'actions/lib/training/planted.ts',
    'site/src/client/planted.ts',
  ])('a browser-safe folder may not import node:* — %s', (rel) => {
    expect(restrictedImports(rel, IMPORTS.fs)).toHaveLength(1);
  });

  it.each([
    'actions/lib/features/planted.ts',
    'actions/lib/spec/init/planted.ts',
    'actions/lib/files/planted.ts',
  ])('a Node folder may read files — %s', (rel) => {
    expect(restrictedImports(rel, IMPORTS.fs)).toEqual([]);
  });

  it.each([
    'actions/lib/features/planted.ts',
    'actions/lib/pipelines/planted.ts',
    'actions/lib/models/planted.ts',
  ])('outside platform/ nothing spawns processes or talks to the runner — %s', (rel) => {
    expect(restrictedImports(rel, IMPORTS.childProcess)).toHaveLength(1);
    expect(restrictedImports(rel, IMPORTS.actionsCore)).toHaveLength(1);
  });

  it('platform/ may', () => {
    expect(restrictedImports('actions/lib/platform/planted.ts', IMPORTS.childProcess)).toEqual([]);
    expect(restrictedImports('actions/lib/platform/planted.ts', IMPORTS.actionsCore)).toEqual([]);
  });
});

describe('no function is over 80 lines (biome noExcessiveLinesPerFunction); a kernel says why', () => {
  const longFunctions = (source: string) =>
    diagnostics('lint/complexity/noExcessiveLinesPerFunction', 'actions/lib/pipelines/planted.ts', source);

  it('a body of 80 lines passes, 81 fail', () => {
    expect(longFunctions(functionOf(78))).toEqual([]); // with its `let` and `return`: 80 lines
    expect(longFunctions(functionOf(79))).toHaveLength(1);
  });

  it('a hot loop kept whole passes only with a written reason', () => {
    expect(longFunctions(functionOf(120, 'one hot loop, measured faster whole'))).toEqual([]);
  });
});
