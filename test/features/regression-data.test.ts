// Issue 15, a numeric label (regression) in the feature store: the bundled wine_score spec backfills from
// its sibling's raw file, the label is stored as a number and read into `targets`, late labels are
// numbers, stats.json describes the label by count/mean/sd/min/max, and every bad input (a class list on
// a numeric label, a label outside its range, a constant label, a single row, NaN/'abc'/blank in a user
// CSV, a changed label type) is refused or quarantined with its reason. Classification bytes stay as
// they were (the other data tests).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numericLabel } from '../../actions/lib/features/clean.js';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { constantLabelProblem, continuousLabelWarning } from '../../actions/lib/spec/label-shape.js';
import { cli, fingerprint, makeWorkspace, REPO_ROOT, read } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A workspace with wine and the bundled wine_score spec (which reads ../wine/source.csv). */
function wineScoreWorkspace(): string {
  const root = makeWorkspace(['wine']);
  roots.push(root);
  cpSync(path.join(REPO_ROOT, 'data/wine_score/dataset.yml'), path.join(root, 'data/wine_score/dataset.yml'));
  return root;
}

describe('wine_score: backfill from the sibling raw file', () => {
  let ws: string;
  beforeAll(async () => {
    ws = wineScoreWorkspace();
    const r = await cli(ws, 'backfill', '-d', 'wine_score');
    expect(r.code, r.err).toBe(0);
  }, 120_000);

  it('stores every row with its score as a number, and reads it into targets', () => {
    const source = read(ws, 'data/wine/source.csv').trim().split('\n');
    const header = source[0].split(',');
    const q = header.indexOf('quality');
    const scores = source.slice(1).map((l) => Number(l.split(',')[q]));
    const w = new Workspace(ws);
    const fg = FeatureGroup.open(w, w.loadSpec('wine_score'));
    const t = fg.read();
    expect(t.rows).toBe(scores.length);
    expect([...t.labels.subarray(0, t.rows)].every((l) => l === 0)).toBe(true);
    expect([...t.targets.subarray(0, t.rows)]).toEqual(scores);
    const rows = read(ws, 'data/wine_score/v1/rows-2026-11.csv').split('\n');
    expect(rows[0].endsWith(',quality')).toBe(true);
    expect(rows[1]).toMatch(/^1,2026-11-01T00:00:00Z,backfill,white,.*,6$/);
  });

  it('metadata.json carries the label type, unit, range and decimals; stats.json count/mean/sd/min/max', () => {
    const meta = JSON.parse(read(ws, 'data/wine_score/v1/metadata.json'));
    expect(meta.label).toEqual({
      name: 'quality',
      title: 'Quality score',
      classes: [],
      type: 'numeric',
      unit: 'points',
      range: [0, 10],
      decimals: 0,
    });
    expect(meta.expectations.filter((e: { column: string }) => e.column === 'quality')).toEqual([
      { column: 'quality', rule: 'type', detail: 'finite number or empty' },
      { column: 'quality', rule: 'range', detail: '[0, 10] or empty' },
    ]);
    const stats = JSON.parse(read(ws, 'data/wine_score/v1/stats.json'));
    // scipy/pandas on data/wine/source.csv: quality count 6497, mean 5.818, sd 0.8733, min 3, max 9.
    expect(stats.label).toEqual({
      name: 'quality',
      unlabelled: 0,
      count: 6497,
      mean: 5.818,
      sd: 0.8733,
      min: 3,
      max: 9,
    });
  });

  it('the wine (classification) group is untouched by it, and validate describes the label', async () => {
    const r = await cli(ws, 'validate', '-d', 'wine_score');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('a numeric label (regression, 0–10 points)');
    const data = await cli(ws, 'stats', '-d', 'wine_score');
    expect(data.out).toContain('label quality          numeric     mean 5.818 sd 0.8733 min 3 max 9 points');
    const show = await cli(ws, 'show', '-d', 'wine_score', '--limit', '1');
    expect(show.out.split('\n')[1]).toMatch(/,6$/);
  });

  it('ingest: a blank score is an unlabelled row; NaN, abc and 11 are quarantined with their reason', async () => {
    const header = read(ws, 'data/wine/source.csv').split('\n')[0];
    const row = (quality: string) => `red,7.4,0.7,0,1.9,0.076,11,34,0.9978,3.51,0.56,9.4,${quality}`;
    const file = path.join(ws, 'new-wines.csv');
    writeFileSync(file, [header, row(''), row('NaN'), row('abc'), row('11'), row('6.0')].join('\n'));
    const r = await cli(ws, 'ingest', '-d', 'wine_score', file);
    expect(r.code).toBe(2);
    expect(r.out).toContain("new-wines.csv line 3: label 'quality' = 'NaN' is not a number");
    expect(r.out).toContain("new-wines.csv line 4: label 'quality' = 'abc' is not a number");
    expect(r.out).toContain("new-wines.csv line 5: label 'quality' = 11 is outside [0, 10]");
    const rejected = read(ws, 'data/wine_score/v1/rejected.csv');
    expect(rejected).toContain("label 'quality' = 'abc' is not a number");
    const added = read(ws, 'data/wine_score/v1/rows-2026-11.csv').trim().split('\n').slice(-2);
    expect(added[0]).toMatch(/^6498,2026-11-24T12:00:00Z,ingest,red,.*,$/);
    expect(added[1]).toMatch(/^6499,2026-11-24T12:00:00Z,ingest,red,.*,6$/); // 6.0 stored as 6
    const stats = JSON.parse(read(ws, 'data/wine_score/v1/stats.json'));
    expect(stats.label.unlabelled).toBe(1);
    expect(stats.label.count).toBe(6498);
  });

  it('late labels: a number for an unlabelled row; abc, 12 and an already-labelled row quarantined', async () => {
    const file = path.join(ws, 'scores.csv');
    writeFileSync(file, 'id,quality\n6498,7.0\n6499,5\n1,4\n');
    const bad = path.join(ws, 'bad-scores.csv');
    writeFileSync(bad, 'id,quality\n6498,abc\n6498,12\n');
    const refused = await cli(ws, 'ingest', '-d', 'wine_score', bad);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain("bad-scores.csv line 2: label 'quality' = 'abc' is not a number");
    expect(refused.out).toContain("bad-scores.csv line 3: label 'quality' = 12 is outside [0, 10]");
    const r = await cli(ws, 'ingest', '-d', 'wine_score', file);
    expect(r.code).toBe(2);
    expect(r.out).toContain("line 3: id 6499 already has label '6'");
    expect(r.out).toContain("line 4: id 1 already has label '6'");
    expect(read(ws, 'data/wine_score/v1/labels.csv')).toMatch(/^id,quality,labelled_at\n6498,7,2026-/);
    const w = new Workspace(ws);
    const t = FeatureGroup.open(w, w.loadSpec('wine_score')).read();
    const i = [...t.ids].indexOf(6498);
    expect([t.labels[i], t.targets[i]]).toEqual([0, 7]);
    const stats = JSON.parse(read(ws, 'data/wine_score/v1/stats.json'));
    expect(stats.label.unlabelled).toBe(0);
    // The same file again under another name: 6498 is labelled now.
    const againFile = path.join(ws, 'scores-again.csv');
    writeFileSync(againFile, 'id,quality\n6498,8\n');
    const again = await cli(ws, 'ingest', '-d', 'wine_score', againFile);
    expect(again.code).toBe(2);
    expect(again.out).toContain("line 2: id 6498 already has label '7'");
  });

  it('changing the label type after backfill is a schema change with the way out', async () => {
    const specFile = path.join(ws, 'data/wine_score/dataset.yml');
    const spec = readFileSync(specFile, 'utf8');
    const before = fingerprint(path.join(ws, 'data'));
    writeFileSync(
      specFile,
      spec
        .replace(
          / {2}type: numeric\n {2}unit: points\n {2}range: \[0, 10\]\n {2}decimals: 0\n/,
          "  classes: [{ value: '5' }, { value: '6' }]\n",
        )
        .replace('random-forest-regressor', 'random-forest'),
    );
    const r = await cli(ws, 'show', '-d', 'wine_score');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'label.type numeric → categorical (regression → classification: the stored labels are numbers)',
    );
    expect(r.err).toContain('run backfill --new-version');
    writeFileSync(specFile, spec.replace('range: [0, 10]', 'range: [1, 10]'));
    const narrowed = await cli(ws, 'show', '-d', 'wine_score');
    expect(narrowed.err).toContain('label.range narrowed [0, 10] → [1, 10]');
    writeFileSync(specFile, spec);
    expect((await cli(ws, 'show', '-d', 'wine_score', '--limit', '1')).code).toBe(0);
    expect(fingerprint(path.join(ws, 'data'))).toBe(before);
  });

  it('a hand-edited score in a partition is named at its line', async () => {
    const part = path.join(ws, 'data/wine_score/v1/rows-2026-11.csv');
    const text = readFileSync(part, 'utf8');
    writeFileSync(part, text.replace(/(\n1,2026-11-01T00:00:00Z,backfill,white,[^\n]*,)6\n/, '$1abc\n'));
    const r = await cli(ws, 'show', '-d', 'wine_score');
    expect(r.code).toBe(1);
    expect(r.err).toContain("rows-2026-11.csv line 2: label 'quality' = 'abc' is not a number");
    writeFileSync(part, text);
  });
});

// ——— bad inputs on a small numeric dataset ———

const SCORE_SPEC = `name: scores
source: { file: source.csv }
eventTime: { fixed: '2026-11-01T00:00:00Z' }
label: { column: score, name: score, type: numeric, range: [0, 10], decimals: 0 }
features:
  - { name: x, type: numeric, range: [0, 100] }
model: { algorithm: ridge }
`;

/** A workspace with one numeric-label dataset whose source is `csv` (and the spec text `spec`). */
function scoresWorkspace(csv: string, spec = SCORE_SPEC): string {
  const root = mkdirTemp();
  mkdirSync(path.join(root, 'data/scores'), { recursive: true });
  writeFileSync(path.join(root, 'data/scores/dataset.yml'), spec);
  writeFileSync(path.join(root, 'data/scores/source.csv'), csv);
  return root;
}

function mkdirTemp(): string {
  const root = path.join(os.tmpdir(), `gitml-reg-${process.pid}-${roots.length}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  roots.push(root);
  return root;
}

describe('bad inputs for a numeric label (CLI: exit code, message, files as they were)', () => {
  async function refusedBackfill(root: string, message: string): Promise<void> {
    const before = fingerprint(path.join(root, 'data'));
    const r = await cli(root, 'backfill', '-d', 'scores');
    expect(r.err).toContain(message);
    expect(r.code, r.err).toBe(1);
    expect(fingerprint(path.join(root, 'data'))).toBe(before);
  }

  it('a numeric label with a class list is refused with the way out', async () => {
    const root = scoresWorkspace(
      'x,score\n1,2\n2,3\n',
      SCORE_SPEC.replace('decimals: 0 }', "decimals: 0, classes: [{ value: '2' }, { value: '3' }] }"),
    );
    const v = await cli(root, 'validate', '-d', 'scores');
    expect(v.code).toBe(1);
    expect(v.out + v.err).toContain(
      "data/scores/dataset.yml:4:82: label.classes: a numeric label (regression) has no classes: remove 'classes', or set type: categorical to predict classes",
    );
    await refusedBackfill(
      root,
      "label.classes: a numeric label (regression) has no classes: remove 'classes'",
    );
  });

  it('a label outside its range, NaN, abc or blank in the source is quarantined at backfill', async () => {
    const root = scoresWorkspace('x,score\n1,2\n2,11\n3,NaN\n4,abc\n5,\n6,-1\n7,3.5\n');
    const r = await cli(root, 'backfill', '-d', 'scores');
    expect(r.code, r.err).toBe(2);
    const rejected = read(root, 'data/scores/v1/rejected.csv');
    for (const reason of [
      "label 'score' = 11 is outside [0, 10]",
      "label 'score' = 'NaN' is not a number",
      "label 'score' = 'abc' is not a number",
      "label 'score' is missing",
      "label 'score' = -1 is outside [0, 10]",
    ])
      expect(rejected).toContain(reason);
    expect(read(root, 'data/scores/v1/rows-2026-11.csv')).toBe(
      'id,event_time,source,x,score\n1,2026-11-01T00:00:00Z,backfill,1,2\n7,2026-11-01T00:00:00Z,backfill,7,3.5\n',
    );
  });

  it('a constant label is refused: nothing to learn, nothing written', async () => {
    await refusedBackfill(
      scoresWorkspace('x,score\n1,5\n2,5\n3,5.0\n4,abc\n'),
      "data/scores/source.csv: label 'score' is constant (every row is 5): nothing to learn",
    );
  });

  it('a single row is refused: nothing to learn', async () => {
    await refusedBackfill(
      scoresWorkspace('x,score\n1,5\n'),
      "data/scores/source.csv: label 'score' is constant (the only row is 5): nothing to learn",
    );
  });

  it('a header without rows, and a source path leaving the repository, are refused', async () => {
    await refusedBackfill(scoresWorkspace('x,score\n'), 'data/scores/source.csv: has a header but no rows');
    const outside = scoresWorkspace(
      'x,score\n1,2\n2,3\n',
      SCORE_SPEC.replace('file: source.csv', 'file: ../../../outside.csv'),
    );
    writeFileSync(path.join(path.dirname(outside), 'outside.csv'), 'x,score\n1,2\n2,3\n');
    await refusedBackfill(outside, '../outside.csv is outside the repository; only regular files inside');
    rmSync(path.join(path.dirname(outside), 'outside.csv'));
  });

  it('a sibling dataset folder inside the repository is a valid source', async () => {
    const root = scoresWorkspace(
      'x,score\n1,2\n2,3\n',
      SCORE_SPEC.replace('file: source.csv', 'file: ../raw/s.csv'),
    );
    mkdirSync(path.join(root, 'data/raw'));
    writeFileSync(path.join(root, 'data/raw/s.csv'), 'x,score\n1,2\n2,3\n3,7\n');
    const r = await cli(root, 'backfill', '-d', 'scores');
    expect(r.code, r.err).toBe(0);
    const stats = JSON.parse(read(root, 'data/scores/v1/stats.json'));
    expect(stats.label).toEqual({
      name: 'score',
      unlabelled: 0,
      count: 3,
      mean: 4,
      sd: 2.646, // sqrt(((2-4)² + (3-4)² + (7-4)²) / 2) = sqrt(7)
      min: 2,
      max: 7,
    });
    const meta = JSON.parse(read(root, 'data/scores/v1/metadata.json'));
    expect(meta.label).toEqual({
      name: 'score',
      title: 'score',
      classes: [],
      type: 'numeric',
      range: [0, 10],
      decimals: 0,
    });
  });
});

describe('label shape of a numeric label', () => {
  const label = { name: 'score', classes: [], type: 'numeric' as const };
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('is never "continuous"; two values or fewer are a classification task said as such', () => {
    const many = Float64Array.from(all(50), (i) => i % 30);
    expect(continuousLabelWarning(label, new Int32Array(50), all(50), many)).toBeNull();
    const yesNo = Float64Array.from(all(40), (i) => i % 2);
    expect(continuousLabelWarning(label, new Int32Array(40), all(40), yesNo)).toBe(
      "label 'score' has only 2 distinct values (0, 1) among 40 labelled rows; it is trained as a quantity. " +
        'An outcome of 2 kinds is a classification task (set label.type: categorical and list the classes in dataset.yml).',
    );
    // Unlabelled rows (labels -1) do not count: three values among the labelled ones.
    const codes = Int32Array.from(all(40), (i) => (i < 20 ? 0 : -1));
    const three = Float64Array.from(all(40), (i) => (i < 20 ? i % 3 : Number.NaN));
    expect(continuousLabelWarning(label, codes, all(40), three)).toBeNull();
  });

  it('a constant label: the message names the value, one row says so', () => {
    expect(constantLabelProblem('score', [5, 5, 5])).toBe(
      "label 'score' is constant (every row is 5): nothing to learn; a regression needs rows with different values (is label.column the right column?)",
    );
    expect(constantLabelProblem('score', [5])).toContain("label 'score' is constant (the only row is 5)");
    expect(constantLabelProblem('score', [5, 6])).toBeNull();
    expect(constantLabelProblem('score', [])).toBeNull();
  });

  it('the stored text of a label: shortest form; NaN, Infinity and blanks-as-text are not numbers', () => {
    const rule = { name: 'score', range: [0, 10] as [number, number] };
    expect(numericLabel(rule, '6.50')).toEqual({ value: 6.5, text: '6.5' });
    expect(numericLabel(rule, '1e1')).toEqual({ value: 10, text: '10' });
    for (const bad of ['NaN', 'Infinity', '-inf', 'abc', '6,5', ' '])
      expect(numericLabel(rule, bad)).toBe(`label 'score' = '${bad}' is not a number`);
    expect(numericLabel(rule, '10.5')).toBe("label 'score' = 10.5 is outside [0, 10]");
    expect(numericLabel({ name: 'score' }, '-1e6')).toEqual({ value: -1e6, text: '-1000000' });
  });
});
