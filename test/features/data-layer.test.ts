import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, commit, expectCliOk, fingerprint, makeWorkspace, read } from '../helpers/workspace.js';

describe('backfill', () => {
  it('builds the three feature groups with real, cleaned contents', async () => {
    const ws = makeWorkspace();
    const r = await cli(ws, 'backfill');
    expectCliOk(r);
    expect(r.out).toContain('iris: v1 backfilled, 150 rows, 0 quarantined');
    expect(r.out).toContain('titanic: v1 backfilled, 891 rows, 0 quarantined');
    expect(r.out).toContain('wine: v1 backfilled, 6497 rows, 0 quarantined');

    const iris = read(ws, 'data/iris/v1/rows-2026-11.csv').split('\n');
    expect(iris[0]).toBe('id,event_time,source,sepal_length,sepal_width,petal_length,petal_width,variety');
    expect(iris[1]).toBe('1,2026-11-01T00:00:00Z,backfill,5.1,3.5,1.4,0.2,Setosa');
    expect(iris).toHaveLength(152); // header + 150 rows + final newline

    // Titanic: passenger id is the key; name/ticket/cabin dropped; missing age filled with the median and flagged.
    const titanic = read(ws, 'data/titanic/v1/rows-2026-11.csv').split('\n');
    expect(titanic[0]).toBe(
      'id,event_time,source,pclass,sex,age,age_missing,sibsp,parch,fare,embarked,survived',
    );
    expect(titanic[6]).toBe('6,2026-11-01T00:00:00Z,backfill,3,male,28,1,0,0,8.4583,Q,0');
    const embarkedBlank = titanic.find((l) => l.startsWith('62,'));
    expect(embarkedBlank).toBe('62,2026-11-01T00:00:00Z,backfill,1,female,38,0,0,0,80,S,1');

    // Wine: fills recorded, type kept as a feature, all columns kept.
    const meta = JSON.parse(read(ws, 'data/wine/v1/metadata.json'));
    expect(meta.fill).toEqual({
      citric_acid: '0.31',
      chlorides: '0.047',
      fixed_acidity: '7',
      ph: '3.21',
      residual_sugar: '3',
      sulphates: '0.51',
      volatile_acidity: '0.29',
    });
    expect(meta.columns).toHaveLength(16);
    // Counts are kept with the statistics, so a day's append leaves metadata.json unchanged.
    for (const k of ['rows', 'nextId', 'partitions', 'rejected']) expect(meta).not.toHaveProperty(k);
    const stats = JSON.parse(read(ws, 'data/wine/v1/stats.json'));
    expect(stats.rows).toBe(6497);
    expect(stats.nextId).toBe(6498);
    expect(stats.partitions).toEqual({ '2026-11': 6497 });
    expect(stats.rejected).toBe(0);
    expect(stats.features.type.counts).toEqual({ red: 1599, white: 4898 });
    expect(stats.label.counts).toEqual({
      '3': 30,
      '4': 216,
      '5': 2138,
      '6': 2836,
      '7': 1079,
      '8': 193,
      '9': 5,
    });
    expect(stats.features.alcohol.min).toBe(8);
    expect(stats.features.alcohol.histogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(6497);
  });

  it('is deterministic and idempotent: same inputs give byte-identical files; a re-run writes nothing', async () => {
    const a = makeWorkspace(['iris', 'titanic']);
    const b = makeWorkspace(['iris', 'titanic']);
    await cli(a, 'backfill');
    await cli(b, 'backfill', '--now', '2027-03-01T00:00:00Z');
    expect(fingerprint(path.join(a, 'data'))).toBe(fingerprint(path.join(b, 'data')));
    const before = fingerprint(path.join(a, 'data'));
    const again = await cli(a, 'backfill');
    expectCliOk(again);
    expect(again.out).toContain('nothing to do');
    expect(fingerprint(path.join(a, 'data'))).toBe(before);
  });

  it('refuses a silent schema change and builds a new version on request', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    const specPath = path.join(ws, 'data/iris/dataset.yml');
    writeFileSync(
      specPath,
      read(ws, 'data/iris/dataset.yml').replace(
        'range: [0.1, 15], decimals: 1 }',
        'range: [0.1, 16], decimals: 1 }',
      ),
    );
    const before = fingerprint(path.join(ws, 'data'));
    const r = await cli(ws, 'backfill');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /dataset.yml changed since data\/iris\/v1 was backfilled: feature 'sepal_length' range widened \[0.1, 15\] → \[0.1, 16\].* run backfill --new-version/,
    );
    expect(fingerprint(path.join(ws, 'data'))).toBe(before);
    const v2 = await cli(ws, 'backfill', '--new-version');
    expectCliOk(v2);
    expect(v2.out).toContain('iris: v2 backfilled, 150 rows');
    expect(existsSync(path.join(ws, 'data/iris/v1/metadata.json'))).toBe(true);
    expect(JSON.parse(read(ws, 'data/iris/v2/metadata.json')).version).toBe(2);
  });
});

describe('generate', () => {
  it('adds seeded synthetic rows per day, skips days that have them, catches up missed days', async () => {
    const ws = makeWorkspace(['iris', 'wine']);
    await cli(ws, 'backfill');
    const r = await cli(ws, 'generate', '--days', '3');
    expectCliOk(r);
    expect(r.out).toContain('iris: 3 synthetic rows for 3 day(s) (ids 151–153)');
    const rows = read(ws, 'data/iris/v1/rows-2026-11.csv').trim().split('\n').slice(-3);
    expect(rows.map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '151,2026-11-22T00:00:00Z,synthetic',
      '152,2026-11-23T00:00:00Z,synthetic',
      '153,2026-11-24T00:00:00Z,synthetic',
    ]);
    const before = fingerprint(path.join(ws, 'data'));
    const again = await cli(ws, 'generate');
    expect(again.out).toContain('iris: 0 synthetic rows for 0 day(s); skipped 1 day(s)');
    expect(fingerprint(path.join(ws, 'data'))).toBe(before);
    // Catch-up across a month boundary writes the October partition too.
    const catchUp = await cli(ws, 'generate', '--date', '2026-11-02', '--days', '5', '--rows', '2');
    expect(catchUp.out).toContain('iris: 10 synthetic rows for 5 day(s) (ids 154–163)');
    expect(read(ws, 'data/iris/v1/rows-2026-10.csv').trim().split('\n')).toHaveLength(1 + 6);
    const stats = JSON.parse(read(ws, 'data/iris/v1/stats.json'));
    expect(stats.bySource).toEqual({ backfill: 150, ingest: 0, synthetic: 13 });
  });

  it('is seeded by (dataset, date) and never feeds on its own synthetic rows', async () => {
    const a = makeWorkspace(['wine']);
    const b = makeWorkspace(['wine']);
    await cli(a, 'backfill');
    await cli(b, 'backfill');
    await cli(a, 'generate', '--date', '2026-11-20', '--days', '30', '--rows', '5');
    await cli(a, 'generate', '--date', '2026-11-24', '--rows', '5');
    await cli(b, 'generate', '--date', '2026-11-24', '--rows', '5');
    const tail = (ws: string) =>
      read(ws, 'data/wine/v1/rows-2026-11.csv')
        .trim()
        .split('\n')
        .slice(-5)
        .map((l) => l.split(',').slice(1).join(','));
    expect(tail(a)).toEqual(tail(b));
  });

  it('generates values inside the valid ranges, with the real class mix', async () => {
    const ws = makeWorkspace(['titanic']);
    await cli(ws, 'backfill');
    const r = await cli(ws, 'generate', '--days', '1', '--rows', '2000');
    expectCliOk(r);
    const lines = read(ws, 'data/titanic/v1/rows-2026-11.csv').trim().split('\n').slice(-2000);
    const survived = lines.filter((l) => l.endsWith(',1')).length / lines.length;
    expect(survived).toBeGreaterThan(0.33);
    expect(survived).toBeLessThan(0.44); // real: 342/891 = 0.384
    const fares = lines.map((l) => Number(l.split(',')[9]));
    expect(Math.min(...fares)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...fares)).toBeLessThanOrEqual(512.3292);
    const firstClassFare = lines.filter((l) => l.split(',')[3] === '1');
    expect(firstClassFare.length).toBeGreaterThan(100);
  });

  it('refuses a date in the future and leaves data unchanged', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    const before = fingerprint(path.join(ws, 'data'));
    const r = await cli(ws, 'generate', '--date', '2026-11-25');
    expect(r.code).toBe(64); // a usage error like every bad option value, refused before any work (issue 12)
    expect(r.err).toContain('--date 2026-11-25 is in the future (today is 2026-11-24 UTC)');
    expect(fingerprint(path.join(ws, 'data'))).toBe(before);
  });

  it('applies the drift setting: numeric values move over time', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    await cli(
      ws,
      'generate',
      '--date',
      '2026-11-24',
      '--days',
      '1',
      '--rows',
      '300',
      '--drift',
      '0.2',
      '--drift-start',
      '2026-11-14',
    );
    const rows = read(ws, 'data/iris/v1/rows-2026-11.csv').trim().split('\n').slice(-300);
    const mean = rows.reduce((s, l) => s + Number(l.split(',')[4]), 0) / rows.length; // sepal_width
    expect(mean).toBeGreaterThan(3.057 + 0.5); // 10 days × 0.2 sd ≈ +0.6 cm on a real mean of 3.057
  });
});

describe('time travel', () => {
  it('reads a feature group as of a revision or a date through git', async () => {
    const ws = makeWorkspace(['iris'], { git: true });
    await cli(ws, 'backfill');
    const first = commit(ws, 'backfill', '2026-11-01T06:00:00Z');
    await cli(ws, 'generate', '--date', '2026-11-10', '--days', '3');
    commit(ws, 'three days', '2026-11-10T06:00:00Z');
    await cli(ws, 'generate', '--date', '2026-11-20', '--days', '1');
    commit(ws, 'one more', '2026-11-20T06:00:00Z');
    expect((await cli(ws, 'stats', '-d', 'iris')).out).toContain('154 rows');
    expect((await cli(ws, 'stats', '-d', 'iris', '--as-of', first)).out).toMatch(
      /iris v1 \(revision [0-9a-f]{7}\): 150 rows/,
    );
    expect((await cli(ws, 'stats', '-d', 'iris', '--as-of', '2026-11-15')).out).toContain('153 rows');
    expect((await cli(ws, 'stats', '-d', 'iris', '--as-of', 'HEAD~1', '--json')).out).toContain(
      '"rows": 153',
    );
    const show = await cli(ws, 'show', '-d', 'iris', '--as-of', '2026-11-10', '--tail', '--limit', '1');
    expect(show.out).toContain('153,2026-11-10T00:00:00Z,synthetic');
    const none = await cli(ws, 'stats', '-d', 'iris', '--as-of', '2026-10-01');
    expect(none.code).toBe(1);
    expect(none.err).toContain('no commit at or before 2026-10-01T23:59:59.999Z');
  });
});

describe('the earlier layout (partitions in rows/, counts in metadata.json)', () => {
  it('still reads at older revisions; appending asks for the git mv and changes nothing', async () => {
    const ws = makeWorkspace(['iris'], { git: true });
    await cli(ws, 'backfill');
    const dir = path.join(ws, 'data/iris/v1');
    const { rejected, nextId, partitions, rows, ...stats } = JSON.parse(read(ws, 'data/iris/v1/stats.json'));
    const meta = JSON.parse(read(ws, 'data/iris/v1/metadata.json'));
    writeFileSync(
      path.join(dir, 'metadata.json'),
      JSON.stringify({ ...meta, rejected, nextId, partitions, rows }),
    );
    writeFileSync(path.join(dir, 'stats.json'), JSON.stringify({ ...stats, rows }));
    mkdirSync(path.join(dir, 'rows'));
    renameSync(path.join(dir, 'rows-2026-11.csv'), path.join(dir, 'rows/2026-11.csv'));
    const old = commit(ws, 'the earlier layout', '2026-11-01T06:00:00Z');

    expect((await cli(ws, 'stats', '-d', 'iris', '--as-of', old)).out).toMatch(
      /iris v1 \(revision [0-9a-f]{7}\): 150 rows/,
    );
    expect((await cli(ws, 'show', '-d', 'iris', '--tail', '--limit', '1')).out).toContain(
      '150,2026-11-01T00:00:00Z',
    );
    const before = fingerprint(path.join(ws, 'data'));
    const refused = await cli(ws, 'generate', '--days', '1');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      'data/iris/v1/rows/: partitions in the earlier layout; move them beside metadata.json, then run again: ' +
        'git mv data/iris/v1/rows/2026-11.csv data/iris/v1/rows-2026-11.csv',
    );
    expect(fingerprint(path.join(ws, 'data'))).toBe(before);

    execFileSync('git', ['mv', 'data/iris/v1/rows/2026-11.csv', 'data/iris/v1/rows-2026-11.csv'], {
      cwd: ws,
    });
    const moved = await cli(ws, 'generate', '--days', '1');
    expect(moved.code, moved.err).toBe(0);
    expect(JSON.parse(read(ws, 'data/iris/v1/metadata.json'))).toEqual(meta);
    expect(JSON.parse(read(ws, 'data/iris/v1/stats.json')).rows).toBe(151);
    expect((await cli(ws, 'stats', '-d', 'iris', '--as-of', old)).out).toContain('150 rows');
  });

  it('a month in both layouts is refused by name', async () => {
    const ws = makeWorkspace(['iris']);
    await cli(ws, 'backfill');
    mkdirSync(path.join(ws, 'data/iris/v1/rows'));
    writeFileSync(path.join(ws, 'data/iris/v1/rows/2026-11.csv'), read(ws, 'data/iris/v1/rows-2026-11.csv'));
    const r = await cli(ws, 'stats', '-d', 'iris');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'data/iris/v1/rows/2026-11.csv: month 2026-11 also has data/iris/v1/rows-2026-11.csv; keep one of the two (git rm)',
    );
  });
});

describe('a fourth dataset needs nothing but a spec file and a CSV', () => {
  it('backfills and generates a toy dataset with an event-time column', async () => {
    const ws = makeWorkspace([]);
    const dir = path.join(ws, 'data/toy');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'dataset.yml'),
      [
        'name: toy',
        'title: Toy sensors',
        'source: { file: readings.csv, citation: made up for a test }',
        'primaryKey: { column: reading }',
        'eventTime: { column: taken }',
        'label: { column: state, name: state, classes: [{ value: ok, label: OK }, { value: bad, label: Faulty }] }',
        'features:',
        '  - { name: temp, column: Temperature, title: Temperature, type: numeric, unit: °C, range: [-50, 150], decimals: 1 }',
        '  - { name: colour, title: Colour, type: categorical, missing: mode, categories: [{ value: red, label: Red }, { value: blue, label: Blue }] }',
        'model: { algorithm: gaussian-nb }',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'readings.csv'),
      'reading,taken,Temperature,colour,state\n10,2026-09-30,20.5,red,ok\n11,2026-10-01T08:00:00Z,90,blue,bad\n12,2026-10-02,21,,ok\n13,2026-10-03,85.5,blue,bad\n14,2026-10-04,19,red,ok\n15,2026-10-05,abc,red,ok\n',
    );
    const r = await cli(ws, 'backfill', '-d', 'toy');
    expect(r.code).toBe(2);
    expect(r.out).toContain('toy: v1 backfilled, 5 rows, 1 quarantined');
    expect(r.out).toContain(
      "quarantined data/toy/readings.csv line 7: 'Temperature' = 'abc' is not a number",
    );
    expect(read(ws, 'data/toy/v1/rows-2026-09.csv')).toBe(
      'id,event_time,source,temp,colour,state\n10,2026-09-30T00:00:00Z,backfill,20.5,red,ok\n',
    );
    expect(read(ws, 'data/toy/v1/rows-2026-10.csv')).toContain('12,2026-10-02T00:00:00Z,backfill,21,red,ok');
    expect(read(ws, 'data/toy/v1/rejected.csv')).toContain('data/toy/readings.csv,7,');
    const g = await cli(ws, 'generate', '-d', 'toy', '--days', '2');
    expectCliOk(g);
    expect(g.out).toContain('toy: 2 synthetic rows for 2 day(s) (ids 15–16)');
  });
});
