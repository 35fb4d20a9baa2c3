// Feature-group read: our columnar reader (partitions → typed columns) against pandas.read_csv on the
// same files, at 10k / 100k / 1M rows, alternating pair by pair with a kept-running pandas (timePairs).
// Also reports the reader's bytes/s against a plain fs.readFile.
import { readFileSync, statSync } from 'node:fs';
import { FeatureGroup } from '../../actions/lib/features/feature-group.js';
import { wineGroup } from './fixture-groups.js';
import { PeerSession, pairFields, type Suite, timeIt, timePairs } from './harness.js';

export const SIZES = [10_000, 100_000, 1_000_000];

export const suite: Suite = async (ctx) => {
  for (const size of SIZES) {
    const { ws, files } = wineGroup(ctx.tmpDir, size, ctx.log);
    const spec = ws.loadSpec('wine');
    const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
    let rows = 0;
    const peer = ctx.python ? await PeerSession.start(ctx.python, 'read_csv.py', files) : null;
    const t = await timePairs(
      ctx.repeats,
      () => {
        rows = FeatureGroup.open(ws, spec).read().rows;
      },
      peer,
    );
    peer?.close();
    const raw = await timeIt(ctx.repeats, () => files.map((f) => readFileSync(f).length));
    ctx.add({
      suite: 'store',
      name: `read feature group, ${rows} rows`,
      ...pairFields(t, 'pandas.read_csv'),
      goal: '≤ 1.5× pandas at 1M',
      extra: {
        rows,
        MB: (bytes / 1e6).toFixed(1),
        oursMBps: (bytes / 1e3 / t.ours.median).toFixed(0),
        readFileMBps: (bytes / 1e3 / raw.median).toFixed(0),
      },
    });
  }
};
