// The build-site action's outputs and job summary, from the build's result (pure).
import path from 'node:path';
import type { SiteBuildResult } from '../../../site/src/build/site-build.js';
import {
  type ActionReport,
  PARTIAL_EXIT_CODE,
  summaryLink,
  summaryTableBlock,
} from '../../lib/platform/action-kit.js';

/** `rel`: the output folder relative to the workspace; `site`: the Pages address, if known. */
export function siteReport(
  result: SiteBuildResult,
  rel: string,
  abs: string,
  site: string | null,
): ActionReport {
  const failed = result.failed;
  return {
    outputs: {
      path: rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel,
      pages: result.pages.length,
      files: result.files.length,
      'failed-datasets': failed.map((f) => f.dataset).join(','),
    },
    summary: [
      summaryTableBlock(
        'Site',
        ['page', 'link'],
        result.pages.map((p) => [
          p,
          site ? summaryLink('open', new URL(p.replace(/index\.html$/, ''), site).href) : '—',
        ]),
      ),
      ...(failed.length > 0
        ? [
            summaryTableBlock(
              'Failed datasets (shown as failing on the site)',
              ['dataset', 'error'],
              failed.map((f) => [f.dataset, f.message]),
            ),
          ]
        : []),
    ],
    ...(failed.length > 0 ? { exitCode: PARTIAL_EXIT_CODE } : {}),
  };
}
