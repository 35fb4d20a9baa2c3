// Same bytes from every pipeline before and after a refactor. The whole cycle runs with a fixed clock on a
// temp git repository holding two classification datasets (iris; titanic, with median and mode fills and
// was-missing flags) and one regression dataset (wine_score): backfill → train → daily for two days with an
// ingest of observations between them → late labels → infer, monitor, report → a promoted retrain → the
// site build. The sha256 of every file under data/, models/, reports/ and site/build/ is compared with the
// committed test/fixtures/pipeline-bytes/golden.json (a failure names each changed, missing and extra
// file), and what each command printed with cli-output.txt beside it, line by line. The site is built from
// fixed stand-in bundles, so rebuilding the browser bundles does not move it.
// After a deliberate change of output: UPDATE_GOLDEN=1 npx vitest run test/pipelines/pipeline-bytes.test.ts
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cli, expectCliOk, makeWorkspace, REPO_ROOT } from '../helpers/workspace.js';

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/pipeline-bytes/golden.json');
/** What every command printed, exit code first: CLI output is part of the bytes that must not move. */
const TRANSCRIPT = path.join(REPO_ROOT, 'test/fixtures/pipeline-bytes/cli-output.txt');
const OUTPUT_FOLDERS = ['data', 'models', 'reports', 'site/build'];
/** The site build copies these as they are: fixed texts keep the bundles' own bytes out of the list. */
const STAND_IN_ASSETS = ['dashboard.js', 'home.js', 'predictor.js', 'styles.css', 'sw.js'];

/** Iris rows observed on 2 November: two await their actual, one comes labelled. */
const OBSERVATIONS = [
  'sepal_length,sepal_width,petal_length,petal_width,variety,event_time',
  '6.9,3.1,5.4,2.1,,2026-11-02T08:00:00Z',
  '5.0,3.4,1.5,0.2,,2026-11-02T09:30:00Z',
  '6.1,2.8,4.7,1.2,Versicolor,2026-11-02T11:15:00Z',
].join('\n');

/** The late labels for the ingested rows still waiting, by id (read from the feature group). */
function lateLabels(root: string): string {
  const rows = readFileSync(path.join(root, 'data/iris/v1/rows-2026-11.csv'), 'utf8').trim().split('\n');
  const waiting = rows
    .filter((l) => l.split(',')[2] === 'ingest' && l.endsWith(','))
    .map((l) => l.split(',')[0]);
  if (waiting.length !== 2)
    throw new Error(`expected 2 ingested rows waiting for a label, found ${waiting.length}`);
  return `id,variety\n${waiting[0]},Virginica\n${waiting[1]},Setosa\n`;
}

interface Step {
  args: string[];
  /** A file the step reads, written just before it (its text may depend on what earlier steps wrote). */
  input?: { file: string; text: (root: string) => string };
}

/** Every command of the cycle, each with its own fixed clock. */
function steps(assets: string): Step[] {
  const fast = ['--algorithm', 'gaussian-nb', '--folds', '3', '--now', '2026-11-01T13:00:00Z'];
  return [
    { args: ['backfill', '--now', '2026-11-01T12:00:00Z'] },
    { args: ['train', '-d', 'iris', ...fast] },
    { args: ['train', '-d', 'titanic', ...fast] },
    {
      args: [
        'train',
        '-d',
        'wine_score',
        '--algorithm',
        'ridge',
        '--folds',
        '3',
        '--now',
        '2026-11-01T13:00:00Z',
      ],
    },
    {
      args: ['daily', '--date', '2026-11-02', '--days', '1', '--rows', '12', '--now', '2026-11-02T06:00:00Z'],
    },
    {
      args: ['ingest', '-d', 'iris', 'inbox/observations.csv', '--now', '2026-11-02T12:00:00Z'],
      input: { file: 'inbox/observations.csv', text: () => OBSERVATIONS },
    },
    { args: ['daily', '--date', '2026-11-03', '--rows', '12', '--now', '2026-11-03T06:00:00Z'] },
    {
      args: ['ingest', '-d', 'iris', 'inbox/labels.csv', '--now', '2026-11-03T07:00:00Z'],
      input: { file: 'inbox/labels.csv', text: lateLabels },
    },
    // The late labels reach the log and the monitoring report without a new day.
    { args: ['infer', '-d', 'iris', '--now', '2026-11-03T07:10:00Z'] },
    { args: ['monitor', '-d', 'iris', '--now', '2026-11-03T07:10:00Z'] },
    { args: ['report', '-d', 'iris', '--now', '2026-11-03T07:10:00Z'] },
    // A second iris version, promoted: the site serves a forest (its byte codec, model.bin).
    {
      args: [
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
        '2026-11-03T07:30:00Z',
      ],
    },
    { args: ['site', 'build', '--assets', assets, '--now', '2026-11-03T08:00:00Z'] },
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
    for (const { args, input } of cycle) {
      if (input) {
        mkdirSync(path.dirname(path.join(root, input.file)), { recursive: true });
        writeFileSync(path.join(root, input.file), input.text(root));
      }
      // The file as a user names it: an absolute path (the CLI reads a relative one from its cwd).
      const r = await cli(root, ...args.map((a) => (input && a === input.file ? path.join(root, a) : a)));
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

  it('the cycle reaches what it is there for: observations predicted, late labels filled in', () => {
    const out = (command: string) =>
      results.filter(({ args }) => args.join(' ').startsWith(command)).map(({ r }) => r.out);
    expect(out('ingest -d iris')).toEqual([
      'iris: added 3 rows from inbox/observations.csv, 0 quarantined',
      'iris: added 2 late labels from inbox/labels.csv, 0 quarantined',
    ]);
    expect(out('infer -d iris')).toEqual([
      'iris: predicted 0 new row(s) with champion v1, filled 2 actual(s) that arrived; log has 27 rows, 0 waiting for a label',
    ]);
  });

  it('every command prints what it printed before, line for line (cli-output.txt)', () => {
    const text = `${results
      .map(({ args, r }) =>
        [`$ gitml ${args.join(' ')}   (exit ${r.code})`, r.out, ...(r.err ? [`stderr: ${r.err}`] : [])].join(
          '\n',
        ),
      )
      .join('\n\n')
      .replaceAll(root, '<workspace>')}\n`;
    const complete = results.length === planned && results.every(({ r }) => r.code === 0);
    if (process.env.UPDATE_GOLDEN === '1' && complete) writeFileSync(TRANSCRIPT, text);
    expect(text.split('\n')).toEqual(readFileSync(TRANSCRIPT, 'utf8').split('\n'));
  });

  it('every file under data/, models/, reports/ and site/build/ has its golden sha256', () => {
    const now = hashes(root);
    const complete = results.length === planned && results.every(({ r }) => r.code === 0);
    if (process.env.UPDATE_GOLDEN === '1' && complete) {
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
