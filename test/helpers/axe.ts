// axe-core (npm, node_modules/axe-core/axe.min.js) run inside a page of the built site: its violations,
// read in full, and a readable listing of them for a failing test or the site bench.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { PERF_MARKS } from '../../site/src/client/perf-marks.js';

/** axe-core's script, resolved from the repository root (tests and the bench run from there). */
export const AXE_SCRIPT = path.resolve(
  process.env.GITML_ROOT ?? process.cwd(),
  'node_modules/axe-core/axe.min.js',
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

/**
 * Waits until a built page has done its first work: the predictor its first prediction, the dashboard
 * every chart; other pages their load event. Then a short pause for late layout.
 */
export async function settle(page: Page, rel: string): Promise<void> {
  await page.waitForLoadState('load');
  const mark = rel.endsWith('dashboard.html')
    ? PERF_MARKS.dashboardReady
    : /^[^/]+\/index\.html$/.test(rel)
      ? PERF_MARKS.firstPrediction
      : null;
  if (mark) {
    await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, {
      timeout: 30_000,
    });
  }
  await page.waitForTimeout(200);
}

/** Every axe-core violation on the page as it is now (all rules axe runs by default). */
export async function axeViolations(
  page: Page,
  disabledRules: readonly string[] = [],
): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate(async (off) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<AxeRun> } }).axe;
    interface AxeRun {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }[];
    }
    const rules = Object.fromEntries(off.map((id) => [id, { enabled: false }]));
    const result = await axe.run(document, { rules, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String).join(' '),
        summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
      })),
    }));
  }, disabledRules);
}

/** One line per violation and one indented line per offending element (at most five). */
export function formatViolations(where: string, violations: readonly AxeViolation[]): string {
  const lines: string[] = [];
  for (const v of violations) {
    lines.push(`${where}: ${v.id} (${v.impact ?? 'no impact'}): ${v.help} — ${v.nodes.length} element(s)`);
    for (const n of v.nodes.slice(0, 5)) lines.push(`    ${n.target}: ${n.summary}`);
    if (v.nodes.length > 5) lines.push(`    … and ${v.nodes.length - 5} more`);
  }
  return lines.join('\n');
}
