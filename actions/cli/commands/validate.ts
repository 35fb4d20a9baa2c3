// gitml validate [-d NAME|a,b|all]: checks every spec (or the named ones) without writing anything.
import { foldersWithoutSpec, validateDataset } from '../../lib/pipelines/validate-dataset.js';
import { type Command, DATASET_OPTION, EXIT, stringOpt } from '../command.js';

export const validateCommand: Command = {
  name: 'validate',
  summary:
    "Check each dataset.yml strictly, its columns against the raw CSV, and its schema against the feature group's",
  usage: 'validate [--dataset NAME|all]',
  options: { ...DATASET_OPTION },
  run(ctx) {
    const selector = stringOpt(ctx, 'dataset') ?? 'all';
    const all = selector === 'all' || selector === '';
    const names = all ? ctx.ws.datasetNames() : [...new Set(selector.split(',').map((s) => s.trim()))];
    const err = ctx.err ?? ctx.out;
    if (all) {
      for (const folder of foldersWithoutSpec(ctx.ws))
        ctx.out(
          `note: data/${folder}/ has no dataset.yml, so it is not a dataset (gitml init FILE.csv --name ${folder} writes one)`,
        );
    }
    if (names.length === 0) {
      err(`no datasets in ${ctx.ws.root}: no data/<name>/dataset.yml found`);
      return EXIT.error;
    }
    let failed = 0;
    for (const name of names) {
      const v = validateDataset(ctx.ws, name);
      for (const n of v.notes) ctx.out(`note: ${n}`);
      if (v.problems.length === 0) {
        ctx.out(`${name}: ok (${v.summary})`);
        continue;
      }
      failed++;
      err(`${name}: ${v.problems.length} problem${v.problems.length > 1 ? 's' : ''}`);
      for (const p of v.problems) err(`  ${p}`);
    }
    if (failed > 0) {
      err(`${failed} of ${names.length} dataset${names.length > 1 ? 's' : ''} invalid`);
      return EXIT.error;
    }
    return EXIT.ok;
  },
};
