// Facts about a monitoring file that both the home page (built in Node) and the dashboard show.
// Browser-safe.
import type { MonitoringReport } from '../../../actions/lib/monitoring/monitoring-types.js';

export function activeAlerts(r: MonitoringReport): MonitoringReport['alerts'] {
  return r.alerts.filter((a) => a.active);
}
