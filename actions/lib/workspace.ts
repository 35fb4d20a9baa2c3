// Where things live in the repository. The one place that knows the layout of data/, models/, reports/.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { didYouMean } from './did-you-mean.js';
import { readInputFile } from './input-file.js';
import { type DatasetSpec, parseSpecText, SpecError } from './spec.js';

export const SPEC_FILE = 'dataset.yml';

export class Workspace {
  constructor(readonly root: string) {}
  get dataDir(): string {
    return path.join(this.root, 'data');
  }
  get modelsDir(): string {
    return path.join(this.root, 'models');
  }
  get reportsDir(): string {
    return path.join(this.root, 'reports');
  }
  datasetDir(name: string): string {
    return path.join(this.dataDir, name);
  }
  /** Repository-relative path with forward slashes, for messages and annotations. */
  rel(p: string): string {
    return path.relative(this.root, p).split(path.sep).join('/');
  }

  /** Names of the datasets that have a spec file, sorted. */
  datasetNames(): string[] {
    if (!existsSync(this.dataDir)) return [];
    return readdirSync(this.dataDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(this.dataDir, d.name, SPEC_FILE)))
      .map((d) => d.name)
      .sort();
  }

  loadSpec(name: string): DatasetSpec {
    const file = path.join(this.datasetDir(name), SPEC_FILE);
    if (!/^[a-z][a-z0-9_]*$/.test(name) || !existsSync(file)) {
      const known = this.datasetNames();
      throw new SpecError(
        `unknown dataset '${name}'${didYouMean(name, known)} (known: ${known.length ? known.join(', ') : 'none'}): ${this.rel(file)} not found`,
      );
    }
    const text = readInputFile(this.root, file).toString('utf8'); // a spec may come from a pull request
    return parseSpecText(text, this.rel(file), name);
  }

  /**
   * `all` or a comma-separated list of names, each once (`iris,iris` is iris). No dataset at all is an
   * error: a command that silently does nothing usually runs in the wrong folder.
   */
  selectDatasets(selector: string): DatasetSpec[] {
    const names =
      selector === 'all' || selector === ''
        ? this.datasetNames()
        : [...new Set(selector.split(',').map((s) => s.trim()))];
    if (names.length === 0)
      throw new SpecError(
        `no datasets in ${this.root}: no data/<name>/${SPEC_FILE} found (is this the repository's folder?)`,
      );
    return names.map((n) => this.loadSpec(n));
  }
}
