// Runs a committed action bundle the way the Actions runner does: `node actions/<stage>/dist/index.js`
// with inputs as INPUT_<NAME> variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and GITHUB_WORKSPACE,
// then parses what the step left behind: exit code, outputs, summary and workflow commands.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './workspace.js';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  properties: Record<string, string>;
  message: string;
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
}

export function bundlePath(stage: string): string {
  return path.join(REPO_ROOT, 'actions', stage, 'dist', 'index.js');
}

/** Fails with a clear message when a bundle has not been built. */
export function requireBundles(...stages: string[]): void {
  const missing = stages.filter((s) => !existsSync(bundlePath(s)));
  if (missing.length) {
    throw new Error(
      `missing action bundle(s) ${missing.map((s) => `actions/${s}/dist/index.js`).join(', ')}: run npm run build`,
    );
  }
}

/** The runner's name mangling: upper case, spaces to underscores; dashes stay (INPUT_DRY-RUN). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** GITHUB_OUTPUT holds `name<<delimiter\nvalue\ndelimiter` blocks (and, from older tools, `name=value`). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: output '${name}' has no closing delimiter`);
      out[name] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return out;
}

const decodeProperty = (s: string) =>
  s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');

/** `::warning file=a.csv,line=3::message` lines on stdout. */
export function parseAnnotations(stdout: string): Annotation[] {
  const found: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const at = pair.indexOf('=');
      properties[pair.slice(0, at)] = decodeProperty(pair.slice(at + 1));
    }
    found.push({ level: m[1] as Annotation['level'], properties, message: decodeProperty(m[3]) });
  }
  return found;
}

export interface RunOptions {
  workspace: string;
  /** Extra environment, e.g. GITHUB_API_URL of a fake server. */
  env?: Record<string, string>;
  /** The bundle to run instead of this repository's: what `uses: ./actions/<stage>` finds in the workspace. */
  bundle?: string;
}

/** Runs one step of `stage` with `inputs`; resolves when the process exits (never rejects on exit code). */
export function runActionBundle(
  stage: string,
  inputs: Record<string, string>,
  opts: RunOptions,
): Promise<ActionRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `gitml-step-${stage}-`));
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  // Only what a runner would give: none of this test process's own GITHUB_*, INPUT_* or git identity.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(GITHUB_|INPUT_|RUNNER_|GIT_AUTHOR_|GIT_COMMITTER_)/.test(k)) env[k] = v;
  }
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'acme/gitml',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_REF_NAME: 'main',
    ...opts.env,
  });
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.bundle ?? bundlePath(stage)], { cwd: opts.workspace, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({
          code: code ?? -1,
          stdout,
          stderr,
          outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
          summary: readFileSync(summaryFile, 'utf8'),
          annotations: parseAnnotations(stdout),
        });
      } catch (err) {
        reject(err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

export interface WorkflowCommand {
  name: string;
  /** The whole line as the runner saw it. */
  line: string;
}

/**
 * Every workflow command the runner would act on in this stdout, read as actions/runner does
 * (ActionCommand.TryParseV2 / TryParse): lines end at \n, \r or \r\n; `::name …::` after leading white
 * space; the legacy `##[name …]` anywhere in a line. Any name counts (stricter than the runner's list).
 */
export function workflowCommands(stdout: string): WorkflowCommand[] {
  const found: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const v2 = /^\s*::([^\s:]+).*?::/.exec(line);
    if (v2) found.push({ name: v2[1].toLowerCase(), line });
    for (const m of line.matchAll(/##\[([^\s\]]+)[^\]]*\]/g)) found.push({ name: m[1].toLowerCase(), line });
  }
  return found;
}
