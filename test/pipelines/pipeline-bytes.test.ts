// Same bytes from every pipeline before and after a refactor: the whole cycle (backfill → train → daily on
// two days → retrain → site build) runs with a fixed clock on a temp git repository holding two
// classification datasets (iris; titanic, with median and mode fills and was-missing flags) and one
// regression dataset (wine_score), and the sha256 of every file it wrote
// under data/, models/, reports/ and the built site is compared with the committed golden list
// test/fixtures/pipeline-bytes/golden.json. A failure names each changed, missing and extra file.
// The site is built from fixed stand-in bundles, so rebuilding the browser bundles does not move it.
// After a deliberate change of output: UPDATE_GOLDEN=1 npx vitest run test/pipelines/pipeline-bytes.test.ts
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cli, expectCliOk, makeWorkspace, REPO_ROOT } from '../helpers/workspace.js';

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/pipeline-bytes/golden.json');
const OUTPUT_FOLDERS = ['data', 'models', 'reports', 'site/build'];
/** The site build copies these as they are: fixed texts keep the bundles' own bytes out of the list. */
const STAND_IN_ASSETS = ['dashboard.js', 'home.js', 'predictor.js', 'styles.css', 'sw.js'];

/** Every command of the cycle, each with its own fixed clock. */
function steps(assets: string): string[][] {
  return [
    ['backfill', '--now', '2026-11-01T12:00:00Z'],
    ['train', '-d', 'iris', '--algorithm', 'gaussian-nb', '--folds', '3', '--now', '2026-11-01T13:00:00Z'],
    ['train', '-d', 'titanic', '--algorithm', 'gaussian-nb', '--folds', '3', '--now', '2026-11-01T13:00:00Z'],
    ['train', '-d', 'wine_score', '--algorithm', 'ridge', '--folds', '3', '--now', '2026-11-01T13:00:00Z'],
    ['daily', '--date', '2026-11-02', '--days', '1', '--rows', '12', '--now', '2026-11-02T06:00:00Z'],
    ['daily', '--date', '2026-11-03', '--rows', '12', '--now', '2026-11-03T06:00:00Z'],
    // A second iris version, promoted: the site serves a forest (its byte codec, model.bin).
    [
      'train',
      '-d',
      'iris',
      '--algorithm',
      'random-forest',
      '--no-search',
      '--folds',
      '3',
      '--promote',
      '--now',
      '2026-11-03T07:00:00Z',
    ],
    ['site', 'build', '--assets', assets, '--now', '2026-11-03T08:00:00Z'],
  ];
}

/** path (relative to the workspace, '/'-separated) → sha256 of its bytes, for every file under the folders. */
function hashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    for (const name of readdirSync(abs).sort()) {
      const child = `${rel}/${name}`;
      if (statSync(path.join(root, child)).isDirectory()) walk(child);
      else
        out[child] = createHash('sha256')
          .update(readFileSync(path.join(root, child)))
          .digest('hex');
    }
  };
  for (const folder of OUTPUT_FOLDERS) walk(folder);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One line per file that differs from the golden list, naming it and how. */
function differences(golden: Record<string, string>, now: Record<string, string>): string[] {
  const lines: string[] = [];
  for (const [file, sha] of Object.entries(golden)) {
    if (!(file in now)) lines.push(`missing: ${file} (was written before, not now)`);
    else if (now[file] !== sha)
      lines.push(`changed: ${file} (golden ${sha.slice(0, 12)}…, now ${now[file].slice(0, 12)}…)`);
  }
  for (const file of Object.keys(now))
    if (!(file in golden)) lines.push(`extra: ${file} (not in the golden list)`);
  return lines;
}

describe('the daily pipeline writes the same bytes as the golden list', () => {
  let root: string;
  const results: { args: string[]; r: CliResult }[] = [];
  let planned = 0;

  beforeAll(async () => {
    // wine_score reads ../wine/source.csv: the raw file comes along, wine's own spec does not.
    root = makeWorkspace(['iris', 'titanic', 'wine_score'], { git: true });
    const assets = path.join(root, 'stand-in-assets');
    mkdirSync(assets);
    for (const name of STAND_IN_ASSETS) writeFileSync(path.join(assets, name), `/* stand-in ${name} */\n`);
    const cycle = steps(assets);
    planned = cycle.length;
    for (const args of cycle) {
      const r = await cli(root, ...args);
      results.push({ args, r });
      if (r.code !== 0) break;
    }
  }, 240_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('every command of the cycle exits 0', () => {
    for (const { args, r } of results) {
      try {
        expectCliOk(r);
      } catch (err) {
        throw new Error(`gitml ${args.join(' ')}: ${(err as Error).message}`);
      }
    }
    expect(results.length, 'commands run').toBe(planned);
  });

  it('every file under data/, models/, reports/ and site/build/ has its golden sha256', () => {
    const now = hashes(root);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(path.dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, `${JSON.stringify(now, null, 2)}\n`);
    }
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, string>;
    // Enough of the cycle ran for the comparison to mean something.
    for (const part of [
      'models/iris/',
      'models/wine_score/',
      'reports/iris/',
      'reports/wine_score/',
      'site/build/',
    ])
      expect(
        Object.keys(golden).some((f) => f.startsWith(part)),
        `golden list has files under ${part}`,
      ).toBe(true);
    expect(differences(golden, now)).toEqual([]);
  });
});
