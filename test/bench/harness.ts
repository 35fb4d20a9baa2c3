// Benchmark harness shared by every suite. Speed goals live here, never in timed tests.
// Peers (pandas, scikit-learn) run as /usr/bin/python3 in the same run so ratios are comparable.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface Timing {
  /** Median, min and max wall time in milliseconds over the repeats. */
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export interface BenchLine {
  suite: string;
  name: string;
  ours: Timing;
  peerName?: string;
  peer?: Timing;
  /** ours / peer, per repeat pair; median and range. */
  ratio?: { median: number; min: number; max: number };
  goal?: string;
  extra?: Record<string, number | string>;
  /** UTC day of the run that measured it (results.json keeps other suites' lines from earlier runs). */
  date?: string;
}

export interface BenchContext {
  repeats: number;
  /** Lighthouse runs per page and preset (the site-lighthouse suite takes their median). */
  runs: number;
  /** Scratch directory private to this bench run. */
  tmpDir: string;
  /** /usr/bin/python3 when it has numpy, pandas and sklearn; otherwise null. */
  python: string | null;
  /** Records a line and prints it. */
  add(line: BenchLine): void;
  log(message: string): void;
}

export type Suite = (ctx: BenchContext) => Promise<void>;

/** Peer scripts live in the repository (benches run from its root, bundled or not). */
export const PEERS_DIR = path.resolve(process.env.GITML_ROOT ?? process.cwd(), 'test/bench/peers');

/** Environment of every peer: one thread, as ours runs. */
const PEER_ENV = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };

export function summarize(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], samples };
}

export function ratioOf(ours: Timing, peer: Timing): { median: number; min: number; max: number } {
  const n = Math.min(ours.samples.length, peer.samples.length);
  const r: number[] = [];
  for (let i = 0; i < n; i++) r.push(ours.samples[i] / peer.samples[i]);
  const t = summarize(r);
  return { median: t.median, min: t.min, max: t.max };
}

/** Times fn `repeats` times (after one untimed warm-up when warm is true). */
export async function timeIt(
  repeats: number,
  fn: () => unknown | Promise<unknown>,
  warm = true,
): Promise<Timing> {
  if (warm) await fn();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/** Finds a python with the peer libraries, or null. */
export function findPython(): string | null {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return null;
  const r = spawnSync(py, ['-c', 'import numpy, pandas, sklearn'], { encoding: 'utf8' });
  return r.status === 0 ? py : null;
}

/**
 * Runs a peer script from test/bench/peers; the script prints one JSON object on its last stdout line
 * (times in milliseconds measured inside python, plus whatever else it reports).
 */
export function runPeer(python: string, script: string, args: string[]): Record<string, unknown> {
  const out = execFileSync(python, [path.join(PEERS_DIR, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: PEER_ENV,
  });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/**
 * A peer script kept running between timings, so its fits and ours can alternate pair by pair. The script
 * loads its data, prints one JSON line (`ready`, plus what it reports about itself), then answers each
 * request line (a JSON object, e.g. `{"seed": 3}`) by timing one fit inside python and printing one JSON
 * line with `ms` (and whatever else it reports about that fit). It exits when its stdin closes.
 */
export class PeerSession implements PairPeer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: AsyncIterator<string>,
    private readonly script: string,
    /** What the peer printed when ready. */
    readonly info: Record<string, unknown>,
  ) {}

  static async start(python: string, script: string, args: string[]): Promise<PeerSession> {
    const child = spawn(python, [path.join(PEERS_DIR, script), ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: PEER_ENV,
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = await PeerSession.read(lines, script);
    if (first.ready !== true) throw new Error(`${script}: the peer did not report ready`);
    return new PeerSession(child, lines, script, first);
  }

  private static async read(lines: AsyncIterator<string>, script: string): Promise<Record<string, unknown>> {
    for (;;) {
      const next = await lines.next();
      if (next.done) throw new Error(`${script}: the peer exited before answering (its error is above)`);
      // Only JSON objects are answers; anything else a library prints is passed over.
      if (next.value.startsWith('{')) return JSON.parse(next.value);
    }
  }

  /** One timed fit in the peer: its answer (`ms` and the rest). */
  async fit(request: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    this.child.stdin!.write(`${JSON.stringify(request)}\n`);
    const answer = await PeerSession.read(this.lines, this.script);
    if (typeof answer.ms !== 'number') throw new Error(`${this.script}: the peer's answer has no "ms"`);
    return answer;
  }

  close(): void {
    this.child.stdin!.end();
  }
}

/** What timePairs alternates with: a kept-running PeerSession, or any side that times one run itself. */
export interface PairPeer {
  /** One timed run of the peer: its answer, with `ms`. */
  fit(request: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/**
 * A peer that cannot be kept running because its start-up is part of what is compared (one process per
 * pipeline step): `run(i)` starts it for pair i and returns its answer with `ms`.
 */
export function peerOf(run: (request: Record<string, unknown>) => Record<string, unknown>): PairPeer {
  return { fit: async (request) => run(request) };
}

/**
 * Times ours beside a peer in `repeats` pairs, ours first in even pairs and the peer first in odd ones,
 * so drift of a shared machine (other load, thermal state) falls on both sides alike and the per-pair
 * ratios cancel it. One untimed warm-up of each side first unless `warm` is false. `request(i)` is sent
 * with pair i's peer run and `ours(i)` runs pair i's own (e.g. both with seed i; i = -1 is the warm-up);
 * the peer's answers are returned in pair order.
 */
export async function timePairs(
  repeats: number,
  ours: (i: number) => unknown,
  peer: PairPeer | null,
  request: (i: number) => Record<string, unknown> = () => ({}),
  warm = true,
): Promise<{ ours: Timing; peer: Timing | null; answers: Record<string, unknown>[] }> {
  if (warm) {
    await ours(-1);
    if (peer) await peer.fit(request(-1));
  }
  const mine: number[] = [];
  const theirs: number[] = [];
  const answers: Record<string, unknown>[] = [];
  const runOurs = async (i: number) => {
    const t0 = performance.now();
    await ours(i);
    mine.push(performance.now() - t0);
  };
  for (let i = 0; i < repeats; i++) {
    if (i % 2 === 0 || !peer) await runOurs(i);
    if (peer) {
      const answer = await peer.fit(request(i));
      if (typeof answer.ms !== 'number') throw new Error('timePairs: the peer\'s answer has no "ms"');
      answers.push(answer);
      theirs.push(answer.ms);
    }
    if (i % 2 === 1 && peer) await runOurs(i);
  }
  return { ours: summarize(mine), peer: peer ? summarize(theirs) : null, answers };
}

/** The line fields for a timePairs result: the peer, its name and the per-pair ratio when there is one. */
export function pairFields(
  t: { ours: Timing; peer: Timing | null },
  peerName: string,
): Pick<BenchLine, 'ours' | 'peer' | 'peerName' | 'ratio'> {
  return t.peer ? { ours: t.ours, peerName, peer: t.peer, ratio: ratioOf(t.ours, t.peer) } : { ours: t.ours };
}

export function fmtMs(t: Timing): string {
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  return `${f(t.median)} ms [${f(t.min)}–${f(t.max)}]`;
}

export function formatLine(l: BenchLine): string {
  let s = `${l.suite} · ${l.name}: ours ${fmtMs(l.ours)}`;
  if (l.peer && l.peerName) s += ` | ${l.peerName} ${fmtMs(l.peer)}`;
  if (l.ratio)
    s += ` | ratio ${l.ratio.median.toFixed(2)}× [${l.ratio.min.toFixed(2)}–${l.ratio.max.toFixed(2)}]`;
  if (l.goal) s += ` | goal ${l.goal}`;
  if (l.extra)
    s += ` | ${Object.entries(l.extra)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`;
  return s;
}
