// Git plumbing for the pipeline: reading the feature store / registry as of any commit ("time travel")
// and committing results back without ever losing data. Node-only; runs the `git` binary through
// execFile (never a shell), so paths and messages are passed verbatim.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { GitmlError } from '../core/gitml-error.js';
import { parseInstant } from '../core/time.js';
import { ATOMIC_TEMP_NAME } from '../files/atomic-write.js';

/** Identity GitHub uses for commits made with the workflow's GITHUB_TOKEN. */
export const GITHUB_ACTIONS_BOT = Object.freeze({
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
});

export interface GitIdentity {
  name: string;
  email: string;
}

export class GitCommandError extends GitmlError {
  override name = 'GitCommandError';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
    context?: string,
  ) {
    super(`${context ? `${context}: ` : ''}git ${args.join(' ')} exited with ${exitCode}: ${stderr.trim()}`);
  }
}

/** The rebase onto the remote branch hit a real conflict; the local commit is left untouched at HEAD. */
export class GitRebaseConflictError extends GitmlError {
  override name = 'GitRebaseConflictError';
  constructor(
    readonly conflictingPaths: readonly string[],
    readonly localSha: string,
    readonly upstream: string,
    /** The remote tip the rebase was onto (what a replay resets to). */
    readonly upstreamSha = '',
    /** Why the stages were not replayed on the new tip instead, when a replay was possible at all. */
    readonly notReplayed = '',
  ) {
    super(
      `rebase of local commit ${localSha.slice(0, 12)} onto ${upstream} conflicts in ${conflictingPaths.join(', ') || '(unknown paths)'}; ` +
        'the rebase was aborted and the local commit kept (nothing was force-pushed) — resolve the conflict and push again' +
        (notReplayed ? `. Not replayed: ${notReplayed}` : ''),
    );
  }
}

interface GitOutput {
  stdout: string;
  stderr: string;
  status: number;
}

// No prompts (a CI job must fail, not hang), untranslated messages (we parse a few of them),
// literal pathspecs (a file named `*.csv` means that file, not a glob).
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C', GIT_LITERAL_PATHSPECS: '1' };
const MAX_BUFFER = 512 * 1024 * 1024;

function gitSync(cwd: string, args: string[]): GitOutput {
  try {
    const stdout = execFileSync('git', args, {
      cwd,
      env: { ...process.env, ...GIT_ENV },
      encoding: 'utf8',
      maxBuffer: MAX_BUFFER,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { stdout, stderr: '', status: 0 };
  } catch (error) {
    const e = error as { status?: number | null; stdout?: string; stderr?: string; code?: string };
    if (typeof e.status !== 'number') throw new Error(`cannot run git in ${cwd}: ${String(error)}`);
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', status: e.status };
  }
}

function gitAsync(
  cwd: string,
  args: string[],
  input?: string,
  env?: Record<string, string>,
): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: { ...process.env, ...GIT_ENV, ...env }, encoding: 'utf8', maxBuffer: MAX_BUFFER },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr, status: 0 });
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'number') return resolve({ stdout, stderr, status: code });
        reject(new Error(`cannot run git in ${cwd}: ${error.message}`));
      },
    );
    // git may exit without reading stdin (e.g. on an early error): that EPIPE is not our failure,
    // the exit status reports what happened.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });
}

function check(out: GitOutput, args: string[], context?: string): string {
  if (out.status !== 0) throw new GitCommandError(args, out.status, out.stderr, context);
  return out.stdout;
}

function run(cwd: string, args: string[], context?: string): string {
  return check(gitSync(cwd, args), args, context);
}

async function runAsync(
  cwd: string,
  args: string[],
  context?: string,
  input?: string,
  env?: Record<string, string>,
): Promise<string> {
  return check(await gitAsync(cwd, args, input, env), args, context);
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Repository paths are always root-relative with forward slashes. */
function normaliseRepoPath(path: string): string {
  const p = path
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
  return p === '.' ? '' : p;
}

// ---------------------------------------------------------------------------------------------
// Time travel
// ---------------------------------------------------------------------------------------------

/** Why older history is missing, and the way out; said instead of "no such commit" in a shallow clone. */
export const SHALLOW_CHECKOUT_HELP =
  'this checkout is shallow (git rev-parse --is-shallow-repository); fetch the full history ' +
  '(actions/checkout with fetch-depth: 0, or git fetch --unshallow)';

/** True in a shallow clone — actions/checkout's default (fetch-depth: 1) — where older commits are absent. */
export function isShallowRepository(repoDir: string): boolean {
  const out = gitSync(repoDir, ['rev-parse', '--is-shallow-repository']);
  return out.status === 0 && out.stdout.trim() === 'true';
}

/** Full sha of the commit `rev` names; throws naming the rev when it is unknown. */
export function resolveRevision(repoDir: string, rev: string): string {
  const out = gitSync(repoDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  if (out.status !== 0) {
    const shallow = isShallowRepository(repoDir) ? `, or it is older than ${SHALLOW_CHECKOUT_HELP}` : '';
    throw new Error(`unknown revision "${rev}" in ${repoDir}: it names no commit${shallow}`);
  }
  return out.stdout.trim();
}

/** Sha of HEAD, or null in a repository that has no commits yet. */
export function headCommit(repoDir: string): string | null {
  const args = ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'];
  const out = gitSync(repoDir, args);
  if (out.status === 1) return null; // --quiet: HEAD is unborn, but this is a repository
  return check(out, args, `headCommit(${repoDir})`).trim();
}

export function isInsideWorkTree(dir: string): boolean {
  try {
    const out = gitSync(dir, ['rev-parse', '--is-inside-work-tree']);
    return out.status === 0 && out.stdout.trim() === 'true';
  } catch {
    return false; // e.g. the directory does not exist
  }
}

/** Whether git tracks any file under `rel` (relative to repoDir); null outside a repository. */
export function isTracked(repoDir: string, rel: string): boolean | null {
  if (!isInsideWorkTree(repoDir)) return null;
  const out = gitSync(repoDir, ['ls-files', '--', rel]);
  return out.status === 0 ? out.stdout.trim() !== '' : null;
}

/** Content of `path` (relative to the repository root) at `rev`, or null when it does not exist there. */
export function showFileAt(repoDir: string, rev: string, path: string): string | null {
  const sha = resolveRevision(repoDir, rev);
  const p = normaliseRepoPath(path);
  if (!p) throw new Error(`showFileAt: path "${path}" names the repository root, not a file`);
  const entry = run(repoDir, ['ls-tree', '-z', '--full-tree', sha, '--', p]).split('\0')[0];
  if (!entry) return null;
  const tab = entry.indexOf('\t');
  const type = entry.slice(0, tab).split(' ')[1];
  if (entry.slice(tab + 1) !== p) return null;
  if (type !== 'blob') throw new Error(`showFileAt: "${p}" at ${rev} is a ${type}, not a file`);
  return run(repoDir, ['cat-file', 'blob', `${sha}:${p}`]);
}

/** Every file under `dir` at `rev` (recursive, root-relative, sorted); `''` or `'.'` lists the whole tree. */
export function listFilesAt(repoDir: string, rev: string, dir: string): string[] {
  const sha = resolveRevision(repoDir, rev);
  const d = normaliseRepoPath(dir);
  const args = ['ls-tree', '-r', '-z', '--name-only', '--full-tree', sha];
  if (d) args.push('--', d);
  return run(repoDir, args)
    .split('\0')
    .filter((f) => f !== '')
    .sort(byCodePoint);
}

/**
 * Parses an instant as UTC. A bare date ('2024-03-01') means the end of that UTC day, so "as of
 * a date" includes that day's commits; a date-time without a zone is read as UTC, not local time.
 */
export function parseUtcInstant(isoDateOrDate: string | Date): number {
  if (isoDateOrDate instanceof Date) {
    const ms = isoDateOrDate.getTime();
    if (Number.isNaN(ms)) throw new Error('as-of: the Date given is invalid');
    return ms;
  }
  // The one date parser (dates.ts): impossible days and dates before EARLIEST_DATE are refused.
  return parseInstant(isoDateOrDate, 'as-of', { bareDate: 'end' });
}

/**
 * The last commit on HEAD's first-parent history (the branch as it stood: commits of a branch merged
 * later are not "then") whose committer date is at or before the given UTC instant. The one as-of of
 * every command. Throws when the history starts after it, saying so when the checkout is shallow.
 */
export function revisionAsOf(repoDir: string, isoDateOrDate: string | Date): string {
  const cutoffMs = parseUtcInstant(isoDateOrDate);
  if (headCommit(repoDir) === null) throw new Error(`as-of: ${repoDir} has no commits yet`);
  const lines = run(repoDir, ['log', '--first-parent', '--format=%H %ct', 'HEAD']).trim().split('\n');
  let earliest = '';
  for (const line of lines) {
    const [sha, seconds] = line.split(' ');
    if (Number(seconds) * 1000 <= cutoffMs) return sha;
    earliest = line;
  }
  const [sha, seconds] = earliest.split(' ');
  const cutoff = new Date(cutoffMs).toISOString();
  const oldest = `${sha.slice(0, 12)}, committed ${new Date(Number(seconds) * 1000).toISOString()}`;
  if (isShallowRepository(repoDir)) {
    throw new Error(
      `as-of ${cutoff}: the oldest commit this checkout has is ${oldest}; ${SHALLOW_CHECKOUT_HELP}`,
    );
  }
  throw new Error(
    `as-of: no commit at or before ${cutoff} on the branch's first-parent history (the earliest is ${oldest})`,
  );
}

/** An --as-of value is a date or date-time (resolved by revisionAsOf) when it starts like one. */
export const isAsOfDate = (asOf: string): boolean => /^\d{4}-\d{2}-\d{2}([T ]|$)/.test(asOf.trim());

// ---------------------------------------------------------------------------------------------
// Working tree status
// ---------------------------------------------------------------------------------------------

function statusArgs(paths?: string[]): string[] {
  const args = ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'];
  const specs = (paths ?? []).map(normaliseRepoPath).map((p) => (p === '' ? '.' : p));
  return specs.length ? [...args, '--', ...specs] : args;
}

/** Porcelain v1 -z: "XY path\0"; paths are root-relative and unquoted. */
function parsePorcelain(out: string): string[] {
  const paths = new Set<string>();
  for (const entry of out.split('\0')) if (entry.length > 3) paths.add(entry.slice(3));
  return [...paths].sort(byCodePoint);
}

/**
 * Root-relative paths that differ from HEAD (modified, staged, deleted or untracked), optionally
 * limited to `paths`; undefined or empty means the whole work tree.
 */
export function changedPaths(repoDir: string, paths?: string[]): string[] {
  return parsePorcelain(run(repoDir, statusArgs(paths)));
}

// ---------------------------------------------------------------------------------------------
// Commit-back
// ---------------------------------------------------------------------------------------------

export interface CommitAndPushOptions {
  repoDir: string;
  /** What to stage, e.g. ['data', 'models', 'reports']; nothing else is committed. */
  paths: string[];
  message: string;
  author?: GitIdentity;
  remote?: string;
  /** Remote branch to push to; defaults to the current branch. */
  branch?: string;
  /** Push attempts (each after the first preceded by fetch + rebase). */
  maxAttempts?: number;
  push?: boolean;
  /** Base delay before retrying a rejected push; doubles per attempt, with ±50 % jitter. */
  backoffMs?: number;
  /**
   * A token to push (and fetch for the rebase) with instead of the credentials the checkout persisted,
   * e.g. one allowed to bypass branch protection. Sent as an HTTP header given to git through its
   * environment: never written to .git/config, never on a command line.
   */
  token?: string;
  log?: (msg: string) => void;
  /** Replay on conflict: without it, a conflicting rebase fails (GitRebaseConflictError). */
  replay?: ReplayOnConflict;
}

/**
 * When the rebase onto the remote conflicts in the committed paths, the paths are reset to the remote tip
 * and `run` makes the results again there (the job's stages, which are deterministic), then they are
 * committed and pushed; at most `maxReplays` times.
 */
export interface ReplayOnConflict {
  maxReplays: number;
  /** Runs the stages again on `remoteTip`; may return the new commit message (facts of the new run). */
  run: (remoteTip: string, replay: number) => Promise<string | undefined>;
  /** Why no replay is possible in this job (e.g. no stage recorded its run); the conflict error says it. */
  unavailable?: string;
}

export interface CommitAndPushResult {
  committed: boolean;
  pushed: boolean;
  sha: string | null;
  /** Push attempts made. */
  attempts: number;
  /** Times the stages were run again on a newer remote tip after a conflicting rebase. */
  replays: number;
}

/** GitHub refuses files over 100 MiB (GH001); refusing from 95 MiB leaves room and fails before the commit. */
export const MAX_COMMITTED_FILE_BYTES = 95 * 1024 * 1024;

/** The push was refused by branch protection or a ruleset: retrying cannot help, a person must act. */
export class ProtectedBranchError extends GitmlError {
  override name = 'ProtectedBranchError';
  constructor(
    readonly branch: string,
    readonly rule: string,
    readonly localSha: string,
    withToken: boolean,
  ) {
    const who = withToken
      ? "the token given to the commit step (input 'token') is not allowed to bypass this rule: add its user or GitHub App as a bypass actor of the ruleset, or allow it in the branch protection"
      : "the workflow's GITHUB_TOKEN cannot bypass branch protection or rulesets: set the repository secret GITML_PUSH_TOKEN to a fine-grained personal access token (Contents: read and write) or a GitHub App installation token that is allowed to bypass the rule, and pass it to the commit step's 'token' input";
    super(
      `push to branch '${branch}' was rejected by its protection rules (${rule}); ${who}. ` +
        `Or allow the bot to push, or remove the rule. See README "Set up on GitHub". ` +
        `The local commit ${localSha.slice(0, 12)} was kept, nothing was force-pushed.`,
    );
  }
}

// GitHub's answers to a push that branch protection (GH006) or a ruleset (GH013) refuses.
const PROTECTED_PUSH =
  /GH006|GH013|protected branch hook declined|declined due to repository rule violations/i;

/**
 * The rule a protected-branch rejection names, from git's push report (the `remote:` lines GitHub
 * prints), or null when the push was not refused by a protection rule.
 */
export function protectedBranchRule(pushReport: string): string | null {
  if (!PROTECTED_PUSH.test(pushReport)) return null;
  const said = pushReport
    .split(/\r?\n/)
    .filter((line) => line.startsWith('remote:'))
    .map((line) =>
      line
        .replace(/^remote:\s*/, '')
        .replace(/^error:\s*/, '')
        .replace(/^-\s*/, '')
        .trim(),
    )
    .filter((line) => line !== '' && !/^Resolving deltas/.test(line));
  if (said.length > 0) return said.join(' ');
  const declined = /\[remote rejected\][^(\n]*\(([^)\n]+)\)/.exec(pushReport);
  return declined ? declined[1] : 'protected branch hook declined';
}

/**
 * The environment that makes git send `Authorization: basic x-access-token:<token>` to the remote's
 * host, replacing what actions/checkout persisted (`http.<origin>/.extraheader` in the repository's
 * config, or since checkout v6 in a file it includes): an empty value first resets git's list of extra
 * headers, then ours is the only one. Passed as GIT_CONFIG_* variables, so the token is on no command
 * line (process listings) and in no file.
 */
export function tokenAuthEnv(remoteUrls: readonly string[], token: string): Record<string, string> {
  const origins = new Set<string>();
  for (const url of remoteUrls) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw new Error(
        `a push token needs an https remote, but the remote is '${url.replace(/\/\/[^@/]*@/, '//')}': use the https URL actions/checkout sets up`,
      );
    }
    origins.add(parsed.origin);
  }
  const header = `AUTHORIZATION: basic ${tokenCredential(token)}`;
  const env: Record<string, string> = {};
  // Keep any GIT_CONFIG_* pairs already in the environment: ours come after them.
  let n = Number(process.env.GIT_CONFIG_COUNT ?? 0) || 0;
  for (const origin of [...origins].sort(byCodePoint)) {
    for (const value of ['', header]) {
      env[`GIT_CONFIG_KEY_${n}`] = `http.${origin}/.extraheader`;
      env[`GIT_CONFIG_VALUE_${n}`] = value;
      n++;
    }
  }
  env.GIT_CONFIG_COUNT = String(n);
  return env;
}

/** The basic credential tokenAuthEnv sends, for masking in logs alongside the token itself. */
export function tokenCredential(token: string): string {
  return Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
}

// Rejections a fetch + rebase (or simply another try) can cure: another run pushed first.
const RETRYABLE_PUSH =
  /\[rejected\]|non-fast-forward|fetch first|stale info|failed to update ref|cannot lock ref|incorrect old value|remote end hung up|RPC failed|Connection (reset|timed out)/i;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function identityArgs(who: GitIdentity): string[] {
  return ['-c', `user.name=${who.name}`, '-c', `user.email=${who.email}`, '-c', 'commit.gpgsign=false'];
}

async function currentBranch(repoDir: string): Promise<string> {
  const out = await gitAsync(repoDir, ['symbolic-ref', '--short', '-q', 'HEAD']);
  if (out.status !== 0 || !out.stdout.trim()) {
    throw new Error(`commitAndPush: HEAD in ${repoDir} is detached; pass the branch to push to`);
  }
  return out.stdout.trim();
}

async function headSha(repoDir: string): Promise<string | null> {
  const out = await gitAsync(repoDir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  return out.status === 0 ? out.stdout.trim() : null;
}

async function rebaseInProgress(repoDir: string): Promise<boolean> {
  for (const dir of ['rebase-merge', 'rebase-apply']) {
    const path = (await runAsync(repoDir, ['rev-parse', '--path-format=absolute', '--git-path', dir])).trim();
    if (existsSync(path)) return true;
  }
  return false;
}

/** Fetches the remote branch and replays the local commit on top; on conflict aborts and throws. */
async function rebaseOntoRemote(
  repoDir: string,
  remote: string,
  branch: string,
  who: GitIdentity,
  authEnv: Record<string, string>,
): Promise<void> {
  const tracking = `refs/remotes/${remote}/${branch}`;
  const fetchArgs = ['fetch', '--quiet', remote, `+refs/heads/${branch}:${tracking}`];
  await runAsync(repoDir, fetchArgs, 'commitAndPush', undefined, authEnv);
  const localSha = (await headSha(repoDir)) ?? '';
  const args = [...identityArgs(who), 'rebase', '--autostash', '--no-verify', tracking];
  const out = await gitAsync(repoDir, args);
  if (out.status === 0) return;
  if (!(await rebaseInProgress(repoDir)))
    throw new GitCommandError(args, out.status, out.stderr, 'commitAndPush');
  const unmerged = await runAsync(repoDir, ['diff', '--name-only', '-z', '--diff-filter=U']);
  await runAsync(repoDir, ['rebase', '--abort'], 'commitAndPush: aborting the failed rebase');
  const conflicting = unmerged.split('\0').filter(Boolean).sort(byCodePoint);
  if (conflicting.length === 0) throw new GitCommandError(args, out.status, out.stderr, 'commitAndPush');
  const upstreamSha = (await runAsync(repoDir, ['rev-parse', '--verify', tracking])).trim();
  throw new GitRebaseConflictError(conflicting, localSha, `${remote}/${branch}`, upstreamSha);
}

/** The URLs git pushes to and fetches from for `remote` (a remote's name, or a URL itself). */
async function remoteUrls(repoDir: string, remote: string): Promise<string[]> {
  const urls = new Set<string>();
  for (const args of [
    ['remote', 'get-url', '--push', remote],
    ['remote', 'get-url', remote],
  ]) {
    const out = await gitAsync(repoDir, args);
    urls.add(out.status === 0 ? out.stdout.trim() : remote);
  }
  return [...urls];
}

/** Refuses, before anything is staged, files GitHub would reject, naming each with its size. */
function refuseOversizedFiles(repoDir: string, paths: readonly string[]): void {
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const tooBig: string[] = [];
  for (const p of paths) {
    let size: number;
    try {
      const st = lstatSync(join(repoDir, p));
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue; // deleted: nothing to upload
    }
    if (size > MAX_COMMITTED_FILE_BYTES) tooBig.push(`${p} is ${mib(size)}`);
  }
  if (tooBig.length > 0) {
    throw new Error(
      `commitAndPush: ${tooBig.join(', ')}: GitHub rejects files over 100 MiB, so this step refuses any over ` +
        `${mib(MAX_COMMITTED_FILE_BYTES)}; nothing was committed. Split the data into smaller files (e.g. more ` +
        'partitions) or leave the file out of the committed paths.',
    );
  }
}

/**
 * Stages only `paths`, makes one commit as the bot (or `author`) when anything changed, and pushes it.
 * A push rejected because another run got there first is retried after fetch + rebase, with a
 * jittered exponential backoff, up to `maxAttempts`. Never force-pushes; a true conflict aborts
 * the rebase and, with `replay`, makes the results again on the remote tip (at most `maxReplays` times);
 * otherwise it keeps the local commit at HEAD and throws GitRebaseConflictError.
 */
export async function commitAndPush(opts: CommitAndPushOptions): Promise<CommitAndPushResult> {
  const { repoDir } = opts;
  const author = opts.author ?? GITHUB_ACTIONS_BOT;
  const remote = opts.remote ?? 'origin';
  const maxAttempts = opts.maxAttempts ?? 5;
  const backoffMs = opts.backoffMs ?? 1000;
  const log = opts.log ?? (() => {});
  if (opts.paths.length === 0) throw new Error('commitAndPush: paths must name at least one path to stage');
  if (!opts.message.trim()) throw new Error('commitAndPush: the commit message must not be empty');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`commitAndPush: maxAttempts must be an integer ≥ 1, got ${maxAttempts}`);
  }
  const branch = opts.branch ?? (await currentBranch(repoDir));

  const changed = await resultsToCommit(repoDir, opts.paths, log);
  // Checked before committing: a token that cannot be used must not leave a half-done step behind.
  const authEnv =
    changed.length > 0 && opts.token && opts.push !== false
      ? tokenAuthEnv(await remoteUrls(repoDir, remote), opts.token)
      : {};
  let message = opts.message;
  let sha = await commitPaths(repoDir, changed, opts.paths, message, author, log);
  if (sha === null)
    return { committed: false, pushed: false, sha: await headSha(repoDir), attempts: 0, replays: 0 };
  if (opts.push === false) return { committed: true, pushed: false, sha, attempts: 0, replays: 0 };

  let replays = 0;
  for (let attempt = 1; ; attempt++) {
    const pushArgs = ['push', '--porcelain', remote, `HEAD:refs/heads/${branch}`];
    const out = await gitAsync(repoDir, pushArgs, undefined, authEnv);
    if (out.status === 0) {
      log(`pushed ${sha?.slice(0, 12)} to ${remote}/${branch} (attempt ${attempt})`);
      return { committed: true, pushed: true, sha, attempts: attempt, replays };
    }
    const report = `${out.stdout}\n${out.stderr}`;
    const rule = protectedBranchRule(report);
    if (rule !== null) throw new ProtectedBranchError(branch, rule, sha ?? '', Boolean(opts.token));
    if (!RETRYABLE_PUSH.test(report))
      throw new GitCommandError(pushArgs, out.status, report, 'commitAndPush');
    if (attempt >= maxAttempts) {
      throw new Error(
        `commitAndPush: push to ${remote}/${branch} still rejected after ${attempt} attempt(s); ` +
          `local commit ${sha?.slice(0, 12)} kept, not force-pushed: ${report.trim()}`,
      );
    }
    const delay = Math.round(Math.min(backoffMs * 2 ** (attempt - 1), 30_000) * (0.5 + Math.random()));
    log(`push rejected (${remote}/${branch} moved); rebasing and retrying in ${delay} ms`);
    await sleep(delay);
    try {
      await rebaseOntoRemote(repoDir, remote, branch, author, authEnv);
    } catch (err) {
      if (!(err instanceof GitRebaseConflictError) || !opts.replay) throw err;
      const why = await whyNotReplay(repoDir, err, opts.paths, opts.replay, replays);
      if (why) {
        throw new GitRebaseConflictError(
          err.conflictingPaths,
          err.localSha,
          err.upstream,
          err.upstreamSha,
          why,
        );
      }
      replays++;
      log(
        `rebase conflicts in ${err.conflictingPaths.join(', ')}: resetting ${opts.paths.join(', ')} to ` +
          `${err.upstream} (${err.upstreamSha.slice(0, 12)}) and running the stages again (replay ${replays} of ${opts.replay.maxReplays})`,
      );
      await resetPathsTo(repoDir, err.upstreamSha, opts.paths);
      message = (await opts.replay.run(err.upstreamSha, replays)) ?? message;
      sha = await commitPaths(
        repoDir,
        await resultsToCommit(repoDir, opts.paths, log),
        opts.paths,
        message,
        author,
        log,
      );
      if (sha === null) {
        log(`after the replay nothing differs from ${err.upstream}: it already holds these results`);
        return { committed: false, pushed: false, sha: err.upstreamSha, attempts: attempt, replays };
      }
    }
    sha = await headSha(repoDir);
  }
}

/**
 * Why a conflicting rebase cannot be cured by a replay, or '' when it can: replays left, the conflict
 * only in committed paths (stage results), and exactly one local commit (ours) ahead of the remote — a
 * reset must not drop anyone else's commit.
 */
async function whyNotReplay(
  repoDir: string,
  conflict: GitRebaseConflictError,
  paths: readonly string[],
  replay: ReplayOnConflict,
  done: number,
): Promise<string> {
  if (replay.unavailable) return replay.unavailable;
  if (done >= replay.maxReplays) {
    return `the stages were already replayed ${done} time(s) (max-replays ${replay.maxReplays}) and each time another run pushed first; run the job again, or raise max-replays`;
  }
  const roots = paths.map(normaliseRepoPath);
  const inPaths = (p: string) => roots.some((r) => r === '' || p === r || p.startsWith(`${r}/`));
  const outside = conflict.conflictingPaths.filter((p) => !inPaths(p));
  if (outside.length > 0) return `${outside.join(', ')} is outside the committed paths (${paths.join(', ')})`;
  const ahead = Number(
    (
      await runAsync(repoDir, ['rev-list', '--count', `${conflict.upstreamSha}..HEAD`], 'commitAndPush')
    ).trim(),
  );
  if (ahead !== 1) {
    return `HEAD has ${ahead} commits that ${conflict.upstream} lacks, not just this step's; a replay would drop them`;
  }
  return '';
}

/**
 * Points HEAD and the index at `rev` and makes `paths` in the work tree exactly as at `rev`: tracked files
 * restored, every file it lacks removed — git-ignored ones too, so that no temp file or write journal
 * of the first run is repaired onto the new tip. Files outside `paths` are left as they are.
 */
export async function resetPathsTo(repoDir: string, rev: string, paths: readonly string[]): Promise<void> {
  const specs = paths.map(normaliseRepoPath).map((p) => (p === '' ? '.' : p));
  await runAsync(repoDir, ['reset', '--quiet', rev, '--'], 'resetPathsTo');
  const tracked = await runAsync(repoDir, ['ls-files', '-z', '--', ...specs], 'resetPathsTo');
  if (tracked !== '') {
    await runAsync(repoDir, ['checkout-index', '--force', '-z', '--stdin'], 'resetPathsTo', tracked);
  }
  await runAsync(repoDir, ['clean', '--force', '-d', '-x', '--quiet', '--', ...specs], 'resetPathsTo');
}

/**
 * The changed files under `paths` to commit: never a temp file; refused (nothing committed) when one is
 * over GitHub's limit. Empty when nothing changed.
 */
async function resultsToCommit(
  repoDir: string,
  paths: readonly string[],
  log: (msg: string) => void,
): Promise<string[]> {
  // A crashed write can leave its temp file behind: it is never a result.
  const changed = parsePorcelain(await runAsync(repoDir, statusArgs([...paths]), 'commitAndPush')).filter(
    (p) => !ATOMIC_TEMP_NAME.test(p.slice(p.lastIndexOf('/') + 1)),
  );
  if (changed.length === 0) log(`nothing changed under ${paths.join(', ')}; no commit`);
  else refuseOversizedFiles(repoDir, changed);
  return changed;
}

/** Stages `changed` and commits exactly them; the new HEAD, or null when there is nothing to commit. */
async function commitPaths(
  repoDir: string,
  changed: readonly string[],
  paths: readonly string[],
  message: string,
  author: GitIdentity,
  log: (msg: string) => void,
): Promise<string | null> {
  if (changed.length === 0) return null;
  const pathspecs = `${changed.join('\0')}\0`;
  await runAsync(
    repoDir,
    ['add', '-A', '--pathspec-from-file=-', '--pathspec-file-nul'],
    'commitAndPush',
    pathspecs,
  );
  // --only: commit exactly these paths even if something else was staged beforehand.
  const commitArgs = [...identityArgs(author), 'commit', '--quiet', '--no-verify', '--only', '-m', message];
  const commit = await gitAsync(
    repoDir,
    [...commitArgs, '--pathspec-from-file=-', '--pathspec-file-nul'],
    pathspecs,
  );
  if (commit.status !== 0) {
    // e.g. only line-ending or stat noise: status saw a change but the staged content is identical.
    if (/nothing (added )?to commit|no changes added/i.test(commit.stdout + commit.stderr)) {
      log(`no content change under ${paths.join(', ')}; no commit`);
      return null;
    }
    check(commit, commitArgs, 'commitAndPush');
  }
  const sha = await headSha(repoDir);
  log(`committed ${changed.length} path(s) as ${sha?.slice(0, 12)}`);
  return sha;
}

/** "summary\n\n" + the body as pretty JSON with keys sorted at every depth, so messages diff cleanly. */
export function commitMessage(summary: string, body: Record<string, unknown>): string {
  const line = summary.replace(/\s+/g, ' ').trim();
  if (!line) throw new Error('commitMessage: the summary line must not be empty');
  const sortKeys = (_key: string, value: unknown): unknown =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => byCodePoint(a, b)))
      : value;
  return `${line}\n\n${JSON.stringify(body, sortKeys, 2)}`;
}
