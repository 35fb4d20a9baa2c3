// Where things live in the repository. The one place that knows the layout of data/, models/, reports/.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { didYouMean } from '../core/did-you-mean.js';
import { type DatasetSpec, parseSpecText, SpecError } from '../spec/spec.js';
import { readInputFile } from './input-file.js';

export const SPEC_FILE = 'dataset.yml';
/** A dataset's name, its folder under data/: safe in paths, URLs, HTML and workflow commands. */
const DATASET_NAME = /^[a-z][a-z0-9_]*$/;

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

  /** Names of the datasets that have a spec file, sorted (a folder whose name is no dataset name is not one). */
  datasetNames(): string[] {
    if (!existsSync(this.dataDir)) return [];
    return readdirSync(this.dataDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && this.isDataset(d.name))
      .map((d) => d.name)
      .sort();
  }

  loadSpec(name: string): DatasetSpec {
    const file = path.join(this.datasetDir(name), SPEC_FILE);
    if (!this.isDataset(name)) {
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
   * error: a command that silently does nothing usually runs in the wrong folder. Every spec must be
   * valid: the first that is not throws (selectEachDataset gives a list that keeps going).
   */
  selectDatasets(selector: string): DatasetSpec[] {
    return this.selectEachDataset(selector).map(specOf);
  }

  /**
   * The datasets `selector` names, each with its spec or, when its dataset.yml is invalid, the error: one
   * bad spec must not keep the others from being listed, run and shown. A name that is not a dataset at
   * all (no data/<name>/dataset.yml) is still thrown at once: it is a typo on the command line, not a
   * broken dataset.
   */
  selectEachDataset(selector: string): SelectedDataset[] {
    const names =
      selector === 'all' || selector === ''
        ? this.datasetNames()
        : [...new Set(selector.split(',').map((s) => s.trim()))];
    if (names.length === 0)
      throw new SpecError(
        `no datasets in ${this.root}: no data/<name>/${SPEC_FILE} found (is this the repository's folder?)`,
      );
    for (const n of names) if (!this.isDataset(n)) this.loadSpec(n); // throws "unknown dataset …"
    return names.map((name) => {
      try {
        return { name, spec: this.loadSpec(name) };
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        return { name, error: err };
      }
    });
  }

  /** Whether data/<name>/dataset.yml exists under a valid dataset name (its content is not checked). */
  isDataset(name: string): boolean {
    return DATASET_NAME.test(name) && existsSync(path.join(this.datasetDir(name), SPEC_FILE));
  }
}

/** A selected dataset: its spec, or the error that kept its spec from being read (an invalid dataset.yml). */
export type SelectedDataset =
  | { name: string; spec: DatasetSpec; error?: undefined }
  | { name: string; spec?: undefined; error: Error };

/** The spec of a selected dataset (a spec is its own); throws the error of an invalid dataset.yml. */
export function specOf(d: SelectedDataset | DatasetSpec): DatasetSpec {
  if ('features' in d) return d;
  if (d.error) throw d.error;
  return d.spec;
}
