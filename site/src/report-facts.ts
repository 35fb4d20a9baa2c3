// Facts about a monitoring file that both the home page (built in Node) and the dashboard show.
// Platform-neutral.
import { latestOf, type MonitoringReport } from '../../actions/lib/monitoring-types.js';

/** When the last daily run predicted: the newest prediction time among the logged predictions. */
export function lastRun(r: MonitoringReport): string | null {
  let last: string | null = null;
  for (const p of r.recent) if (last === null || p.predictedAt > last) last = p.predictedAt;
  const latest = latestOf(r);
  if (latest && (last === null || latest.predictedAt > last)) last = latest.predictedAt;
  return last;
}

export function activeAlerts(r: MonitoringReport): MonitoringReport['alerts'] {
  return r.alerts.filter((a) => a.active);
}
