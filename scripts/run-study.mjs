// Bundles a TypeScript study (test/study/<name>.ts) with the repository's Node bundle settings and runs it:
// node scripts/run-study.mjs wine-size. Its output (JSON) goes to stdout. Not part of the product or tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { nodeBundle } from './esbuild-config.mjs';

const name = process.argv[2];
if (!name) {
  console.error('run-study: name a study, e.g. node scripts/run-study.mjs wine-size');
  process.exit(2);
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'gitml-study-'));
try {
  const outfile = path.join(dir, 'study.mjs');
  await build({ ...nodeBundle, entryPoints: [`test/study/${name}.ts`], outfile });
  execFileSync(process.execPath, [outfile, ...process.argv.slice(3)], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
