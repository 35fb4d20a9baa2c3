// build-site action: the static Pages site from the specs, the champion models and the monitoring files.
import path from 'node:path';
import {
  core,
  dashboardUrl,
  input,
  output,
  PARTIAL_EXIT_CODE,
  runAction,
  summaryLink,
  summaryTable,
  workspace,
} from '../../lib/action-kit.js';
import { buildSite } from '../../lib/site-build.js';
import { loadChartCompiler } from '../../lib/site-charts.js';

await runAction(async () => {
  const ws = workspace();
  const outDir = input.string('out-dir', '_site');
  const site = dashboardUrl(input.string('dashboard-url'));
  const now = input.now();

  const out = path.resolve(ws.root, outDir);
  // The dashboards' Vega-Lite compiler, from the action's lazily loaded Vega chunk.
  await loadChartCompiler();
  const result = await core.group('build the site', async () => {
    const r = buildSite(ws.root, out, { now, repositoryUrl: repositoryUrl(), siteUrl: site ?? undefined });
    for (const page of r.pages) core.info(page);
    return r;
  });

  const rel = ws.rel(out);
  output('path', rel.startsWith('..') || path.isAbsolute(rel) ? out : rel);
  output('pages', result.pages.length);
  output('files', result.files.length);
  output('failed-datasets', result.failed.map((f) => f.dataset).join(','));
  summaryTable(
    'Site',
    ['page', 'link'],
    result.pages.map((p) => [
      p,
      site ? summaryLink('open', new URL(p.replace(/index\.html$/, ''), site).href) : '—',
    ]),
  );
  if (result.failed.length > 0) {
    // The site is built and shows these as failing; the step says so with the partial exit code.
    for (const f of result.failed)
      core.error(`${f.dataset}: ${f.message}`, { title: `gitml: ${f.dataset} failed` });
    summaryTable(
      'Failed datasets (shown as failing on the site)',
      ['dataset', 'error'],
      result.failed.map((f) => [f.dataset, f.message]),
    );
    const names = result.failed.map((f) => f.dataset).join(', ');
    core.error(`partial: the site shows ${names} as failing — exit code ${PARTIAL_EXIT_CODE}`);
    process.exitCode = PARTIAL_EXIT_CODE;
  }
});

/** The repository's web address on the server the workflow runs on; undefined outside Actions. */
function repositoryUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = process.env;
  return server && repo ? `${server}/${repo}` : undefined;
}
