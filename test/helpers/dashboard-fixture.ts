// A fixture monitoring report behind a copy of a built dashboard page: the report as <name>.json and its
// charts compiled as the site build does (<name>-charts.json), so the copy draws the fixture's charts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MonitoringReport } from '../../actions/lib/monitoring/monitoring-types.js';
import { compileDashboardCharts } from '../../site/src/build/site-charts.js';
import { DASHBOARD_FILES } from '../../site/src/build/templates/dashboard-page.js';

/** Writes <dir>/<name>.html, a copy of <dir>/dashboard.html reading the fixture's report and charts. */
export function fixtureDashboard(dir: string, name: string, report: MonitoringReport): void {
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(report));
  writeFileSync(path.join(dir, `${name}-charts.json`), compileDashboardCharts([report])[0]);
  writeFileSync(
    path.join(dir, `${name}.html`),
    readFileSync(path.join(dir, 'dashboard.html'), 'utf8')
      .replaceAll(DASHBOARD_FILES.report, `${name}.json`)
      .replaceAll(DASHBOARD_FILES.charts, `${name}-charts.json`),
  );
}
