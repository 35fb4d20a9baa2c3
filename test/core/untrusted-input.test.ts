// Untrusted input (issue 18, items 7 and 8): file names and values cannot inject workflow commands, HTML or
// Markdown, and only regular files inside the repository are read — never through a symbolic link, a
// FIFO or a directory where a file is expected. The ingest action runs as the runner runs it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { escapeHtml, markdownCode, markdownText, oneLine } from '../../actions/lib/core/untrusted-text.js';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { workingTree } from '../../actions/lib/platform/file-source.js';
import { ModelRegistry } from '../../actions/lib/registry/model-registry.js';
import { requireBundles, runActionBundle, workflowCommands } from '../helpers/action-runner.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/github-fake-server.js';
import { cli, fingerprint, makeWorkspace, NOW } from '../helpers/workspace.js';

const TOKEN = 'ghs_untrusted_test';
const HEADER = 'sepal_length,sepal_width,petal_length,petal_width,variety\n';
const RULE = 'only regular files inside the repository are read';

let ws: string;
let outside: string;
let gh: FakeGitHub;

beforeAll(async () => {
  requireBundles('ingest');
  ws = makeWorkspace(['iris'], { git: true });
  expect((await cli(ws, 'backfill')).code).toBe(0);
  outside = mkdtempSync(path.join(os.tmpdir(), 'gitml-outside-'));
  gh = await startFakeGitHub({ authorization: `token ${TOKEN}` });
});
afterAll(async () => {
  await gh?.close();
  for (const dir of [ws, outside]) if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => rmSync(path.join(ws, 'inbox'), { recursive: true, force: true }));

const ingestStep = (inputs: Record<string, string> = {}) =>
  runActionBundle('ingest', { now: NOW, ...inputs }, { workspace: ws, env: { GITHUB_API_URL: gh.baseUrl } });

function inbox(name: string, text: string): string {
  mkdirSync(path.join(ws, 'inbox/iris'), { recursive: true });
  writeFileSync(path.join(ws, 'inbox/iris', name), text);
  return `inbox/iris/${name}`;
}

describe('neutralising text from data', () => {
  it('oneLine: no line break, no command start, no legacy prefix, nothing invisible', () => {
    expect(oneLine('a\n::warning title=x::hi\r\nb')).toBe(String.raw`a\n::warning title=x::hi\r\nb`);
    expect(oneLine('::error::x')).toBe(String.raw`\::error::x`);
    expect(oneLine(' \u00a0\t::error::x')).toBe('\\ \u00a0\t::error::x');
    expect(oneLine('x ##[error]y')).toBe(String.raw`x #\#[error]y`);
    expect(oneLine('a\u2028b\u0085c\u202ed\u001b[31m')).toBe(String.raw`a\u2028b\u0085c\u202ed\e[31m`);
    expect(oneLine('plain: 5 rows, 1 quarantined')).toBe('plain: 5 rows, 1 quarantined');
    for (const s of ['a\n::x::', '\r::x::', '##[x]', '\u2029::x::'])
      expect(workflowCommands(`${oneLine(s)}\n`)).toEqual([]);
  });

  it('HTML and Markdown: markup, pipes and mentions from data stay text', () => {
    expect(escapeHtml('<img src=x onerror="a(1)">&')).toBe('&lt;img src=x onerror=&quot;a(1)&quot;&gt;&amp;');
    expect(markdownText('[x](https://e) @octocat #12 | *b* sepal_width _i_ <b>')).toBe(
      '\\[x\\](https://e) @\u200boctocat #\u200b12 \\| \\*b\\* sepal_width \\_i\\_ &lt;b&gt;',
    );
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`x|y')).toBe('`` `x\\|y ``');
  });
});

describe('file names cannot inject workflow commands (item 7)', () => {
  const evil = 'a\n::warning title=x::injected\r::error::cr\u2028##[warning]legacy\nb.csv';
  const shown = String.raw`inbox/iris/a\n::warning title=x::injected\r::error::cr\u2028#\#[warning]legacy\nb.csv`;
  const html = '<img src=x onerror=alert(1)>.csv';
  const tick = 'q`@octocat|x.csv';

  it('a dry run with a pull-request comment: only our commands, the names escaped everywhere', async () => {
    inbox(evil, `${HEADER}5.1,3.5,1.4,0.2,Setosa\n5.0,@octocat ##[error]v <b>x</b>,1.4,0.2,Setosa\n`);
    inbox(html, `${HEADER}5.1,3.5,1.4,0.2,Setosa\n`);
    inbox(tick, `${HEADER}5.1,3.5,1.4,0.2,Setosa\n`);
    const pr = gh.addPullRequest('acme/gitml', 'Add rows', '');
    const run = await ingestStep({ 'dry-run': 'true', token: TOKEN, 'pull-request': String(pr.number) });
    expect(run.code, run.stdout).toBe(0);
    expect(workflowCommands(run.stdout).map((c) => c.name)).toEqual(['group', 'endgroup', 'warning']);
    expect(run.annotations).toEqual([
      expect.objectContaining({ level: 'warning', properties: { file: shown, line: '3' } }),
    ]);
    expect(run.annotations[0].message).toContain("'sepal_width' = '@octocat #\\#[error]v <b>x</b>'");

    expect(run.summary).toContain(`<td>${shown}</td>`);
    expect(run.summary).toContain('<td>inbox/iris/&lt;img src=x onerror=alert(1)&gt;.csv</td>');
    expect(run.summary).not.toMatch(/<img|<b>/);

    const body = gh.comments.find((c) => c.issueNumber === pr.number)!.body;
    expect(body).toContain(`| \`${shown}\` | iris | 1 | 1 |`);
    expect(body).toContain('| ``inbox/iris/q`@octocat\\|x.csv`` | iris | 1 | 0 |');
    expect(body).toContain('| `inbox/iris/<img src=x onerror=alert(1)>.csv` | iris | 1 | 0 |');
    expect(body).toContain("'@\u200boctocat #\\\\#\\[error\\]v &lt;b&gt;x&lt;/b&gt;' is not a number");
    expect(body).not.toMatch(/(^|[^`])@octocat|<b>/);
  });

  it('a real ingest logs each file on one line, escaped, and no command but ours', async () => {
    inbox(evil, `${HEADER}5.1,3.5,1.4,0.2,Setosa\n`);
    const run = await ingestStep();
    expect(run.code, run.stdout).toBe(0);
    expect(workflowCommands(run.stdout).map((c) => c.name)).toEqual([
      'group',
      'endgroup',
      'group',
      'endgroup',
    ]);
    expect(run.stdout.split('\n')).toContain(`${shown}: 1 rows added, 0 quarantined`);
    expect(run.stdout).not.toMatch(/[\r\u2028]/);
  });
});

describe('only regular files inside the repository are read (item 8)', () => {
  beforeAll(() => {
    // A valid file whose bad row would be echoed into an annotation if it were read.
    writeFileSync(path.join(outside, 'secret.csv'), `${HEADER}5.1,TOPSECRET,1.4,0.2,Setosa\n`);
    mkdirSync(path.join(outside, 'dir'));
    writeFileSync(path.join(outside, 'dir', 'more.csv'), `${HEADER}5.1,TOPSECRET,1.4,0.2,Setosa\n`);
  });

  async function expectRefused(rel: string, message: string) {
    inbox('good.csv', `${HEADER}5.1,3.5,1.4,0.2,Setosa\n`);
    const data = fingerprint(path.join(ws, 'data'));
    for (const dry of ['true', 'false']) {
      const run = await ingestStep({ 'dry-run': dry });
      expect(run.code, run.stdout).toBe(1);
      expect(run.outputs['failed-files']).toBe('1');
      const errors = run.annotations.filter((a) => a.level === 'error');
      expect(errors[0]).toEqual({ level: 'error', properties: { file: rel, line: '1' }, message });
      expect(`${run.stdout}${run.summary}${run.outputs.files}`).not.toContain('TOPSECRET');
      expect(run.annotations.filter((a) => a.level === 'warning')).toEqual([]);
    }
    expect(fingerprint(path.join(ws, 'data'))).toBe(data);
    expect(existsSync(path.join(ws, 'inbox/iris/good.csv'))).toBe(true); // nothing ingested, nothing removed
  }

  it('a symbolic link to a file outside the repository', async () => {
    mkdirSync(path.join(ws, 'inbox/iris'), { recursive: true });
    symlinkSync(path.join(outside, 'secret.csv'), path.join(ws, 'inbox/iris/leak.csv'));
    await expectRefused('inbox/iris/leak.csv', `inbox/iris/leak.csv is a symbolic link; ${RULE}`);
  });

  it('a symbolic link to a folder outside the repository', async () => {
    mkdirSync(path.join(ws, 'inbox/iris'), { recursive: true });
    symlinkSync(path.join(outside, 'dir'), path.join(ws, 'inbox/iris/more'));
    await expectRefused('inbox/iris/more', `inbox/iris/more is a symbolic link; ${RULE}`);
  });

  it('a FIFO named *.csv (refused without blocking)', async () => {
    mkdirSync(path.join(ws, 'inbox/iris'), { recursive: true });
    execFileSync('mkfifo', [path.join(ws, 'inbox/iris/pipe.csv')]);
    await expectRefused('inbox/iris/pipe.csv', `inbox/iris/pipe.csv is a named pipe (FIFO); ${RULE}`);
  }, 30_000);

  it('the inbox path input through a symbolic link', async () => {
    symlinkSync(path.join(outside, 'dir'), path.join(ws, 'inbox'));
    const run = await ingestStep({ path: 'inbox/more.csv' });
    expect(run.code).toBe(1);
    expect(run.annotations).toEqual([
      expect.objectContaining({
        level: 'error',
        message: `inbox/more.csv: inbox is a symbolic link; ${RULE}`,
      }),
    ]);
    expect(run.stdout).not.toContain('TOPSECRET');
  });

  describe('a spec, its source.file and the CLI ingest FILE', () => {
    let local: string;
    beforeEach(() => {
      local = makeWorkspace(['iris']);
      return () => rmSync(local, { recursive: true, force: true });
    });
    const source = () => path.join(local, 'data/iris/source.csv');

    it('source.file as a symbolic link to /etc/passwd', async () => {
      rmSync(source());
      symlinkSync('/etc/passwd', source());
      const r = await cli(local, 'backfill');
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        `data/iris/source.csv is a symbolic link; ${RULE} (spec source.file of 'iris')`,
      );
      expect(r.err).not.toContain('root');
      expect(existsSync(path.join(local, 'data/iris/v1'))).toBe(false);
    });

    it('source.file under a symbolically linked folder, or a directory, or a FIFO', async () => {
      const spec = path.join(local, 'data/iris/dataset.yml');
      const text = execFileSync('cat', [spec], { encoding: 'utf8' });
      writeFileSync(spec, text.replace('file: source.csv', 'file: raw/secret.csv'));
      symlinkSync(outside, path.join(local, 'data/iris/raw'));
      let r = await cli(local, 'backfill');
      expect(r.err).toContain(`data/iris/raw/secret.csv: data/iris/raw is a symbolic link; ${RULE}`);
      expect(r.err).not.toContain('TOPSECRET');

      writeFileSync(spec, text);
      rmSync(source());
      mkdirSync(source());
      r = await cli(local, 'backfill');
      expect(r.err).toContain(`data/iris/source.csv is a directory; ${RULE}`);

      rmSync(source(), { recursive: true });
      execFileSync('mkfifo', [source()]);
      r = await cli(local, 'backfill');
      expect(r.err).toContain(`data/iris/source.csv is a named pipe (FIFO); ${RULE}`);
      expect(existsSync(path.join(local, 'data/iris/v1'))).toBe(false);
    }, 30_000);

    it('a dataset.yml that is a symbolic link is not read', async () => {
      const spec = path.join(local, 'data/iris/dataset.yml');
      rmSync(spec);
      symlinkSync('/etc/passwd', spec);
      const r = await cli(local, 'stats', '-d', 'iris');
      expect(r.code).toBe(1);
      expect(r.err).toContain(`data/iris/dataset.yml is a symbolic link; ${RULE}`);
      expect(r.err).not.toContain('root');
    });

    it('the CLI ingest FILE: a FIFO, a link, a directory, a link outside the repository', async () => {
      expect((await cli(local, 'backfill')).code).toBe(0);
      const data = fingerprint(path.join(local, 'data'));
      execFileSync('mkfifo', [path.join(local, 'new.csv')]);
      symlinkSync(path.join(outside, 'secret.csv'), path.join(local, 'link.csv'));
      mkdirSync(path.join(local, 'folder.csv'));
      symlinkSync(path.join(outside, 'secret.csv'), path.join(outside, 'link-out.csv'));
      const cases: [string, string][] = [
        [path.join(local, 'new.csv'), `new.csv is a named pipe (FIFO); ${RULE}`],
        [path.join(local, 'link.csv'), `link.csv is a symbolic link; ${RULE}`],
        [path.join(local, 'folder.csv'), `folder.csv is a directory; ${RULE}`],
        [
          path.join(outside, 'link-out.csv'),
          'link-out.csv is a symbolic link; only regular files inside its folder are read',
        ],
      ];
      for (const [file, message] of cases) {
        const r = await cli(local, 'ingest', '-d', 'iris', file);
        expect(r.code, file).toBe(1);
        expect(r.err).toContain(message);
        expect(r.err).not.toContain('TOPSECRET');
      }
      expect(fingerprint(path.join(local, 'data'))).toBe(data);
    }, 30_000);

    it('the feature store and the model registry are read through no link either', () => {
      mkdirSync(path.join(local, 'models/iris'), { recursive: true });
      symlinkSync('/etc/passwd', path.join(local, 'models/iris/index.json'));
      const registry = new ModelRegistry(new Workspace(local), 'iris');
      expect(() => registry.index()).toThrow(`models/iris/index.json is a symbolic link; ${RULE}`);
      expect(() => registry.index()).not.toThrow(/root/);

      symlinkSync('/etc/passwd', path.join(local, 'data/iris/linked.json'));
      const files = workingTree(new Workspace(local).root);
      expect(() => files.readBytes('data/iris/linked.json')).toThrow(
        `data/iris/linked.json is a symbolic link; ${RULE}`,
      );
      expect(files.readBytes('data/iris/missing.json')).toBeNull();
      expect(() => files.readBytes('data/iris/dataset.yml/x')).toThrow(
        `data/iris/dataset.yml/x: data/iris/dataset.yml is a file, not a folder; ${RULE}`,
      );
      expect(files.readBytes('data/iris/dataset.yml')?.length).toBeGreaterThan(0);
    });
  });
});
