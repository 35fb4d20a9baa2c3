// generate action: the daily feature pipeline (synthetic rows per UTC date). Without `days` it catches
// up every day missed since the last generated one, at most `max-days`; the days beyond are reported.

import { type GenerateResult, generate } from '../../lib/pipelines/generate.js';
import { type ActionDeps, type ActionReport, eachDataset } from '../../lib/platform/action-kit.js';
import type { GenerateInputs } from './inputs.js';
import { generateReport, notMadeGood } from './summary.js';

export async function run(inputs: GenerateInputs, { core, ws }: ActionDeps): Promise<ActionReport> {
  const { datasets, now, date, days, maxDays, rows, drift } = inputs;
  const each = await eachDataset<GenerateResult>(
    core,
    datasets,
    (spec) => `generate ${spec.name}`,
    (spec) => {
      const r = generate(ws, spec, { now, date, days, maxDays, rows, drift });
      for (const d of r.dates)
        core.info(`${d.date}: ${d.skipped ? 'already generated, skipped' : `${d.added} rows`}`);
      return r;
    },
  );
  for (const text of notMadeGood(each.results))
    core.warning(text.replaceAll('`', ''), { title: 'gitml generate: days not made good' });
  return generateReport(each, inputs);
}
