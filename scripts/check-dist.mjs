// CI's check-dist: rebuilds every bundle in memory (nothing in the working tree is touched) and fails,
// listing them, when a committed bundle differs from its source, is missing, or has no source any more.
// Fix: `npm run build` and commit the bundles.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildAll, REPO_ROOT } from './build-all.mjs';

export async function checkDist(root = REPO_ROOT) {
  const outputs = await buildAll({ root, write: false });
  const problems = [];
  for (const { path: rel, contents } of outputs) {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) problems.push(`${rel}: missing (not built or not committed)`);
    else if (Buffer.compare(readFileSync(abs), contents) !== 0)
      problems.push(`${rel}: differs from a fresh build`);
  }
  // A bundle whose action lost its source would still run in workflows: flag it too.
  const built = new Set(outputs.map((o) => o.path));
  const actionsDir = path.join(root, 'actions');
  for (const stage of readdirSync(actionsDir)) {
    const rel = `actions/${stage}/dist/index.js`;
    if (existsSync(path.join(root, rel)) && !built.has(rel))
      problems.push(`${rel}: stale, actions/${stage}/src/main.ts is gone`);
  }
  return { checked: outputs.length, problems };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const { checked, problems } = await checkDist();
  if (problems.length > 0) {
    console.error(`check-dist: ${problems.length} of ${checked} bundle file(s) out of date:`);
    for (const p of problems) console.error(`  ${p}`);
    console.error('run `npm run build` and commit the result');
    process.exit(1);
  }
  console.log(`check-dist: all ${checked} bundle file(s) match their sources`);
}
