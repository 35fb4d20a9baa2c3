// build-site action: the static Pages site from the specs, the champion models and the monitoring files.
import path from 'node:path';
import { buildSite } from '../../../site/src/build/site-build.js';
import { loadChartCompiler } from '../../../site/src/build/site-charts.js';
import {
  type ActionDeps,
  type ActionReport,
  dashboardUrl,
  repositoryUrl,
} from '../../lib/platform/action-kit.js';
import type { BuildSiteInputs } from './inputs.js';
import { siteReport } from './summary.js';

export async function run(inputs: BuildSiteInputs, { core, ws, env }: ActionDeps): Promise<ActionReport> {
  const out = path.resolve(ws.root, inputs.outDir);
  const site = dashboardUrl(inputs.dashboardUrl, env);
  // The dashboards' Vega-Lite compiler, from the action's lazily loaded Vega chunk.
  await loadChartCompiler();
  const result = await core.group('build the site', async () => {
    const r = buildSite(ws.root, out, {
      now: inputs.now,
      repositoryUrl: repositoryUrl(env),
      siteUrl: site ?? undefined,
    });
    for (const page of r.pages) core.info(page);
    return r;
  });
  // The site is built and shows failing datasets as failing; the step says so with the partial exit code.
  for (const f of result.failed)
    core.error(`${f.dataset}: ${f.message}`, { title: `gitml: ${f.dataset} failed` });
  const report = siteReport(result, ws.rel(out), out, site);
  if (report.exitCode)
    core.error(
      `partial: the site shows ${result.failed.map((f) => f.dataset).join(', ')} as failing — exit code ${report.exitCode}`,
    );
  return report;
}
