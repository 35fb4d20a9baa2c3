// Feature-group read: our columnar reader (partitions → typed columns) against pandas.read_csv on the
// same files, at 10k / 100k / 1M rows. Also reports the reader's bytes/s against a plain fs.readFile.
import { readFileSync, statSync } from 'node:fs';
import { FeatureGroup } from '../../actions/lib/feature-group.js';
import { wineGroup } from './fixture-groups.js';
import { ratioOf, runPeer, type Suite, summarize, timeIt } from './harness.js';

export const SIZES = [10_000, 100_000, 1_000_000];

export const suite: Suite = async (ctx) => {
  for (const size of SIZES) {
    const { ws, files } = wineGroup(ctx.tmpDir, size, ctx.log);
    const spec = ws.loadSpec('wine');
    const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
    let rows = 0;
    const ours = await timeIt(ctx.repeats, () => {
      rows = FeatureGroup.open(ws, spec).read().rows;
    });
    const raw = await timeIt(ctx.repeats, () => files.map((f) => readFileSync(f).length));
    const extra = {
      rows,
      MB: (bytes / 1e6).toFixed(1),
      oursMBps: (bytes / 1e3 / ours.median).toFixed(0),
      readFileMBps: (bytes / 1e3 / raw.median).toFixed(0),
    };
    if (!ctx.python) {
      ctx.add({
        suite: 'store',
        name: `read feature group, ${rows} rows`,
        ours,
        goal: '≤ 1.5× pandas at 1M',
        extra,
      });
      continue;
    }
    const peer = runPeer(ctx.python, 'read_csv.py', [String(ctx.repeats), ...files]);
    const peerT = summarize(peer.ms as number[]);
    ctx.add({
      suite: 'store',
      name: `read feature group, ${rows} rows`,
      ours,
      peerName: 'pandas.read_csv',
      peer: peerT,
      ratio: ratioOf(ours, peerT),
      goal: '≤ 1.5× pandas at 1M',
      extra,
    });
  }
};
