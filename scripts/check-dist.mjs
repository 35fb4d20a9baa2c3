// CI's check-dist: rebuilds every bundle in memory (nothing in the working tree is touched) and fails,
// listing them, when a committed bundle differs from its source, is missing, or has no source any more.
// Fix: `npm run build` and commit the bundles.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildAll, REPO_ROOT, staleActionFiles } from './build-all.mjs';

export async function checkDist(root = REPO_ROOT) {
  const outputs = await buildAll({ root, write: false });
  const problems = [];
  for (const { path: rel, contents } of outputs) {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) problems.push(`${rel}: missing (not built or not committed)`);
    else if (Buffer.compare(readFileSync(abs), contents) !== 0)
      problems.push(`${rel}: differs from a fresh build`);
  }
  // A bundle whose action lost its source would still run in workflows, and a chunk no build makes any
  // more would still ship: flag both.
  for (const rel of staleActionFiles(root, outputs)) {
    const stage = rel.split('/')[1];
    problems.push(
      rel.endsWith('/index.js') && !existsSync(path.join(root, 'actions', stage, 'src', 'index.ts'))
        ? `${rel}: stale, actions/${stage}/src/index.ts is gone`
        : `${rel}: stale, no build makes it any more (delete it)`,
    );
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
