// The commit message body: facts about the run, parsed from the inputs with errors that name the input.
import { ActionInputError } from '../../lib/platform/action-kit.js';

type Json = Record<string, unknown>;

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ActionInputError(`input '${name}' must be JSON, got '${text}'`);
  }
}

function countsByDataset(
  name: string,
  text: string,
  what: string,
): Record<string, number> | number | undefined {
  if (text === '') return undefined;
  const v = parseJson(name, text);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((n) => n === null || (typeof n === 'number' && Number.isInteger(n) && n >= 0));
  if (!ok)
    throw new ActionInputError(`input '${name}' must be a JSON object of ${what} per dataset, got '${text}'`);
  return v as Record<string, number>;
}

export interface BodyInputs {
  date: string;
  datasets: string;
  rowsAdded: string;
  modelVersions: string;
  details: string;
}

export function commitBody(i: BodyInputs): Json {
  const rowsAdded = countsByDataset('rows-added', i.rowsAdded, 'whole numbers');
  const modelVersions = countsByDataset('model-versions', i.modelVersions, 'versions');
  if (typeof modelVersions === 'number') {
    throw new ActionInputError(
      `input 'model-versions' must be a JSON object of versions per dataset, got '${i.modelVersions}'`,
    );
  }
  let datasets: string[];
  if (i.datasets.trim().startsWith('[')) {
    const v = parseJson('datasets', i.datasets);
    if (!Array.isArray(v) || !v.every((d) => typeof d === 'string')) {
      throw new ActionInputError(
        `input 'datasets' must be names, comma-separated or a JSON array, got '${i.datasets}'`,
      );
    }
    datasets = v;
  } else {
    datasets = i.datasets.split(/[\s,]+/).filter(Boolean);
  }
  if (datasets.length === 0) {
    datasets = [
      ...Object.keys(typeof rowsAdded === 'object' ? rowsAdded : {}),
      ...Object.keys(modelVersions ?? {}),
    ];
  }
  let details: Json = {};
  if (i.details !== '') {
    const v = parseJson('details', i.details);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new ActionInputError(`input 'details' must be a JSON object, got '${i.details}'`);
    }
    details = v as Json;
  }
  const {
    GITHUB_WORKFLOW: workflow,
    GITHUB_RUN_ID: id,
    GITHUB_RUN_ATTEMPT: attempt,
    GITHUB_EVENT_NAME: event,
  } = process.env;
  return {
    ...details,
    date: i.date,
    datasets: [...new Set(datasets)].sort(),
    ...(rowsAdded !== undefined ? { rowsAdded } : {}),
    ...(modelVersions !== undefined ? { modelVersions } : {}),
    ...(id ? { run: { workflow, id: Number(id), attempt: Number(attempt ?? 1), event } } : {}),
  };
}
