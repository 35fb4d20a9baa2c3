// The layout a reader is told is the layout on disk: every folder of the library is in the README's
// layout table and in actions/lib/README.md (which gives its runtime rule), and test/ mirrors the library's
// folders, so a test for `actions/lib/<folder>/x.ts` is found in `test/<folder>/`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/workspace.js';

const folders = (dir: string) =>
  readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');

/** The README's "## Layout" section, up to the next heading of the same level. */
function layoutSection(): string {
  const readme = read('README.md');
  const start = readme.indexOf('\n## Layout\n');
  expect(start, 'README.md has a "## Layout" section').toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

const LIB = folders('actions/lib');
/** test/ folders that are not a library folder: the surfaces and the test kit. */
const SURFACES = ['actions', 'bench', 'cli', 'fixtures', 'helpers', 'repo', 'site', 'study'];

describe('the layout the READMEs describe is the tree', () => {
  it('actions/lib has the domain folders and no loose module', () => {
    expect(LIB.length).toBeGreaterThanOrEqual(10);
    const loose = readdirSync(path.join(REPO_ROOT, 'actions/lib')).filter((f) => f.endsWith('.ts'));
    expect(loose, 'every module of actions/lib sits in a domain folder').toEqual([]);
  });

  it.each(LIB)('actions/lib/%s/ is in the README layout table and in actions/lib/README.md', (folder) => {
    expect(layoutSection(), `README.md "## Layout" names \`${folder}/\``).toContain(`\`${folder}/\``);
    const libReadme = read('actions/lib/README.md');
    expect(libReadme, `actions/lib/README.md gives ${folder}/ a runtime rule`).toMatch(
      new RegExp(`\\|[^|\\n]*\`${folder}/\`[^|\\n]*\\|`),
    );
  });

  it('test/ mirrors the library: each folder is a library folder or a named surface, and none is loose', () => {
    const unknown = folders('test').filter((f) => !LIB.includes(f) && !SURFACES.includes(f));
    expect(unknown, 'test/ folders that are neither an actions/lib folder nor a surface').toEqual([]);
    const loose = readdirSync(path.join(REPO_ROOT, 'test')).filter((f) => f.endsWith('.ts'));
    expect(loose, 'test files at the top of test/ (put each in the folder of what it tests)').toEqual([]);
    for (const f of SURFACES.filter((s) => folders('test').includes(s)))
      expect(layoutSection(), `README.md "## Layout" names test/${f}/`).toContain(`\`${f}/\``);
  });
});
