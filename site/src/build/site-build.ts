// Builds the static GitHub Pages site from the repository's files, in pure Node (no bundler): the
// prebuilt browser bundles from site/assets/, one home page, and per dataset a predictor page and a
// dashboard page with the data they fetch (the champion model, predictor.json, monitoring.json).
// Every page is generated from the dataset specs, the model registry and the monitoring files.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { GitmlError } from '../../../actions/lib/core/gitml-error.js';
import { formatNumber } from '../../../actions/lib/core/json.js';
import { utcText } from '../../../actions/lib/core/time.js';
import { isNeighbours } from '../../../actions/lib/explain/neighbours.js';
import { FeatureGroup } from '../../../actions/lib/features/feature-group.js';
import {
  type FeatureTable,
  SOURCE_CODE,
  SOURCES,
  valueText,
} from '../../../actions/lib/features/feature-table.js';
import type { CategoricalStats, GroupStats, NumericStats } from '../../../actions/lib/features/stats.js';
import { readInputFileIfExists } from '../../../actions/lib/files/input-file.js';
import { readJsonFile } from '../../../actions/lib/files/read-json.js';
import { SPEC_FILE, Workspace } from '../../../actions/lib/files/workspace.js';
import { algorithm } from '../../../actions/lib/models/algorithms.js';
import { toWire } from '../../../actions/lib/models/model-wire.js';
import { regressionAlgorithm } from '../../../actions/lib/models/regressors.js';
import type { ServingModel } from '../../../actions/lib/models/serving-model.js';
import {
  isMonitoringReport,
  lastRun,
  MONITORING_FILE,
  MONITORING_FORMAT,
  type MonitoringReport,
} from '../../../actions/lib/monitoring/monitoring-types.js';
import { workingTree } from '../../../actions/lib/platform/file-source.js';
import { ModelRegistry, type RegistryEntry } from '../../../actions/lib/registry/model-registry.js';
import {
  type DatasetSpec,
  type FeatureSchema,
  featureSchema,
  taskOf,
} from '../../../actions/lib/spec/spec.js';
import {
  type ChampionInfo,
  type Examples,
  PREDICTOR_DATA_FORMAT,
  type PredictorData,
  type PredictorFeature,
  type PredictorLabel,
} from '../client/page-data.js';
import { isRegressionReport } from '../client/regression-report.js';
import { activeAlerts } from '../client/report-facts.js';
import { championImportance, modelCardOf } from './model-card-page.js';
import { ogImage } from './og-image.js';
import { compileDashboardCharts } from './site-charts.js';
import { type SiteFacts, siteFacts } from './site-facts.js';
import { DATASET_OG_IMAGE, datasetOgCard, HOME_OG_IMAGE, homeOgCard, socialMeta } from './site-social.js';
import { DASHBOARD_FILES, dashboardPage } from './templates/dashboard-page.js';
import { type DatasetSummary, homePage } from './templates/home-page.js';
import { MODEL_CARD_PAGE, type ModelCardPageData, modelCardPage } from './templates/model-card-page.js';
import { PREDICTOR_FILES, predictorPage } from './templates/predictor-page.js';

export interface SiteBuildOptions {
  /** The build time shown in page footers (default: now). */
  now?: Date;
  /** Folder of the prebuilt bundles (default: <root>/site/assets). */
  assets?: string;
  /**
   * The repository's web address (https://github.com/owner/name): the staleness warning links to its
   * daily workflow. Unknown outside Actions; the warning then has no link.
   */
  repositoryUrl?: string;
  /**
   * The site's own address (https://owner.github.io/repo/): pages then carry their canonical link,
   * og:url and an absolute og:image. Unknown outside Actions; those tags are then left out.
   */
  siteUrl?: string;
}

export interface SiteBuildResult {
  /** HTML pages written, relative to outDir. */
  pages: string[];
  /** Every file written, relative to outDir. */
  files: string[];
  /**
   * Datasets whose files could not be read (an invalid dataset.yml, a corrupt group, model or report),
   * sorted by name: the site shows each as failing with this message, and shows the others as usual.
   */
  failed: { dataset: string; message: string }[];
}

export class SiteBuildError extends GitmlError {
  override name = 'SiteBuildError';
}

/** Marks a folder as a site build, so rebuilding may clear it (and never clears anything else). */
const MARKER = '.gitml-site';
/** Holdout rows offered by the predictor's "random holdout example" button. */
const MAX_EXAMPLES = 200;
/**
 * Slider positions between the observed minimum and maximum, at most: about one per pixel of a phone's
 * slider, so each position is reachable and the grid stays round (Titanic's ages 0, 1, … 80, not 0.4, 0.5, …).
 */
const MAX_SLIDER_STEPS = 100;
const REQUIRED_ASSETS = ['predictor.js', 'dashboard.js', 'home.js', 'styles.css', 'sw.js'];

interface DatasetBuild {
  spec: DatasetSpec;
  /** holdoutIds: the rows the champion never trained on (metrics.json's split.testIds), null when unlisted. */
  champion: { entry: RegistryEntry; model: ServingModel; file: string; holdoutIds: number[] | null } | null;
  group: FeatureGroup | null;
  /** The group's rows, read once on first use (examples, the observed label range, facts, importance). */
  table: () => FeatureTable | null;
  stats: GroupStats | null;
  report: { parsed: MonitoringReport; file: string } | null;
}

/** A JSON file of the dataset's, or a SiteBuildError naming it and the way out. */
function readJson(ws: Workspace, file: string, what: string): unknown {
  return readJsonFile(file, what, (m) => new SiteBuildError(m), ws.rel(file));
}

function loadDataset(ws: Workspace, spec: DatasetSpec): DatasetBuild {
  const registry = new ModelRegistry(ws, spec.name);
  const c = registry.champion();
  const champion = c
    ? {
        ...c,
        file: path.join(registry.versionDir(c.entry.version), 'model.json'),
        holdoutIds: registry.holdoutIds(c.entry.version),
      }
    : null;
  let group: FeatureGroup | null = null;
  if (FeatureGroup.exists(ws, spec)) {
    const versions = FeatureGroup.versions(spec, workingTree(ws.root));
    const wanted = champion?.entry.featureGroupVersion;
    group = FeatureGroup.open(ws, spec, wanted && versions.includes(wanted) ? { version: wanted } : {});
  }
  let stats: GroupStats | null = null;
  if (group) {
    const file = path.join(ws.root, group.dir, 'stats.json');
    if (existsSync(file)) stats = readJson(ws, file, 'feature statistics') as GroupStats;
  }
  const reportFile = path.join(ws.reportsDir, spec.name, MONITORING_FILE);
  let report: DatasetBuild['report'] = null;
  if (existsSync(reportFile)) {
    const parsed = readJson(ws, reportFile, 'monitoring report') as MonitoringReport;
    if (parsed?.format !== MONITORING_FORMAT)
      throw new SiteBuildError(`${ws.rel(reportFile)}: format is not '${MONITORING_FORMAT}'`);
    // Only the log manifest (infer ran, monitor has not yet): no dashboard data, as without the file.
    if (isMonitoringReport(parsed)) report = { parsed, file: reportFile };
  }
  let table: FeatureTable | null | undefined;
  const readOnce = () => {
    if (table === undefined) table = group?.read() ?? null;
    return table;
  };
  return { spec, champion, group, table: readOnce, stats, report };
}

function listDir(dir: string, dirs: boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() === dirs)
    .map((d) => d.name)
    .sort();
}

/** The smallest power of ten at least one unit of the last decimal that keeps the slider ≤ MAX steps. */
export function sliderStep(decimals: number, span: number): number {
  let e = -decimals;
  while (span / 10 ** e > MAX_SLIDER_STEPS) e++;
  return Number(`1e${e}`);
}

/**
 * The slider over [lo, hi] on the decimals grid: its ends are lo rounded down and hi rounded up to a
 * multiple of the step (kept inside the valid range), so every position is a value the spec's decimals can
 * write and the ends are reached (a slider from 0.42 in steps of 0.1 would offer 28.02 and stop at 79.92).
 */
export function sliderOf(
  decimals: number,
  lo: number,
  hi: number,
  valid?: [number, number],
): { min: number; max: number; step: number } {
  const step = sliderStep(decimals, hi - lo);
  const places = Math.max(0, -Math.round(Math.log10(step)));
  const onGrid = (x: number) => Number((Math.round(x / step) * step).toFixed(places));
  let min = onGrid(Math.floor(lo / step + 1e-9) * step);
  let max = onGrid(Math.ceil(hi / step - 1e-9) * step);
  if (valid && min < valid[0]) min = onGrid(Math.ceil(valid[0] / step - 1e-9) * step);
  if (valid && max > valid[1]) max = onGrid(Math.floor(valid[1] / step + 1e-9) * step);
  if (max <= min) max = onGrid(min + step);
  return { min, max, step };
}

function predictorFeature(f: FeatureSchema, stats: GroupStats | null): PredictorFeature {
  const s = stats?.features[f.name];
  if (f.type === 'categorical') {
    const cats = f.categories ?? [];
    const counts = s?.type === 'categorical' ? (s as CategoricalStats).counts : {};
    // The most frequent category; ties and missing statistics fall back to the first.
    const mode = cats.reduce(
      (best, c) => ((counts[c.value] ?? 0) > (counts[best.value] ?? 0) ? c : best),
      cats[0],
    );
    return { ...f, initial: mode?.value ?? '' };
  }
  const n = s?.type === 'numeric' ? (s as NumericStats) : null;
  const range = f.range ?? [0, 1];
  const decimals = f.decimals ?? 6;
  if (!n || n.min === null || n.max === null || n.median === null || n.q1 === null || n.q3 === null) {
    return {
      ...f,
      initial: formatNumber((range[0] + range[1]) / 2, decimals),
      slider: sliderOf(decimals, range[0], range[1], f.range),
    };
  }
  return {
    ...f,
    observed: { min: n.min, q1: n.q1, median: n.median, q3: n.q3, max: n.max },
    initial: formatNumber(n.median, decimals),
    slider: sliderOf(decimals, n.min, n.max, f.range),
  };
}

/**
 * The form's features: the model's, in its order, each with its spec group and recorded fill (a blank
 * input then means "unknown", as at ingest); a was-missing flag is marked derived from its feature, and
 * a feature the model does not read is added as an input when a flag the model reads comes from it.
 */
function formFeatures(d: DatasetBuild, modelFeatures: readonly FeatureSchema[]): PredictorFeature[] {
  const schema = d.group?.meta.features ?? featureSchema(d.spec);
  const fills = d.group?.meta.fill ?? {};
  const read = new Set(modelFeatures.map((f) => f.name));
  const withSpec = (f: FeatureSchema, extra: Partial<PredictorFeature>): PredictorFeature => {
    const spec = d.spec.features.find((s) => s.name === f.name);
    const out: PredictorFeature = { ...predictorFeature(f, d.stats), ...extra };
    if (spec?.group !== undefined) out.group = spec.group;
    if (spec && spec.missing !== 'reject' && fills[f.name] !== undefined) out.fill = fills[f.name];
    return out;
  };
  const out = modelFeatures.map((f) => {
    const source = d.spec.features.find((s) => s.missingFlag === f.name);
    return withSpec(f, source ? { derivedFrom: source.name } : {});
  });
  for (const flag of out) {
    if (flag.derivedFrom === undefined || read.has(flag.derivedFrom)) continue;
    const source = schema.find((g) => g.name === flag.derivedFrom);
    if (source) out.push(withSpec(source, { inputOnly: true }));
  }
  return out;
}

const isRegression = (d: DatasetBuild) => taskOf(d.spec.label) === 'regression';

/**
 * Up to MAX_EXAMPLES labelled real (not synthetic) rows of the champion's holdout, evenly spread over the
 * group: rows it never trained on, so a visitor sees its honest skill, not its memory (none when the
 * champion's metrics do not list its holdout). A regression row's actual value is its number as the
 * spec's decimals write it.
 */
function examplesOf(d: DatasetBuild, features: readonly FeatureSchema[]): Examples {
  const out: Examples = { ids: [], actual: [], values: [] };
  const holdout = new Set(d.champion?.holdoutIds ?? []);
  const group = d.group;
  const table = holdout.size === 0 ? null : d.table();
  if (!group || !table) return out;
  const real: number[] = [];
  for (let i = 0; i < table.rows; i++)
    if (table.sources[i] !== SOURCE_CODE.synthetic && table.labels[i] >= 0 && holdout.has(table.ids[i]))
      real.push(i);
  const columns = features.map((f) => group.meta.features.findIndex((g) => g.name === f.name));
  if (columns.some((j) => j < 0)) return out;
  const take = Math.min(MAX_EXAMPLES, real.length);
  for (let k = 0; k < take; k++) {
    const i = real[Math.floor((k * real.length) / take)];
    out.ids.push(table.ids[i]);
    out.actual.push(
      isRegression(d)
        ? formatNumber(table.targets[i], d.spec.label.decimals)
        : group.meta.label.classes[table.labels[i]].value,
    );
    out.values.push(columns.map((j, f) => valueText(features[f], table.columns[j][i])));
  }
  return out;
}

/** A regression registry entry's holdout (plan contract 4), read loosely: absent figures stay absent. */
interface RegressionHoldout {
  rows?: number;
  mae?: number;
  rmse?: number;
  baselineMae?: number;
}

const finite = (x: unknown): number | undefined =>
  typeof x === 'number' && Number.isFinite(x) ? x : undefined;

function championInfo(c: NonNullable<DatasetBuild['champion']>): ChampionInfo {
  let algorithmTitle = c.entry.algorithm;
  const regression = (c.model.json as { task?: string }).task === 'regression';
  try {
    algorithmTitle = (regression ? regressionAlgorithm : algorithm)(c.entry.algorithm).title;
  } catch {
    // An algorithm this build does not know still shows by its name.
  }
  if (regression) {
    const h = c.entry.holdout as RegressionHoldout;
    const info: ChampionInfo = {
      version: c.entry.version,
      algorithm: c.entry.algorithm,
      algorithmTitle,
      holdoutAccuracy: null,
      holdoutRows: h.rows ?? 0,
      createdAt: c.entry.createdAt,
      featureGroupVersion: c.entry.featureGroupVersion,
      task: 'regression',
      ...neighboursOf(c.model),
    };
    const mae = finite(h.mae);
    const rmse = finite(h.rmse);
    const baseline = finite(h.baselineMae);
    if (mae !== undefined) info.holdoutMae = mae;
    if (rmse !== undefined) info.holdoutRmse = rmse;
    if (baseline !== undefined) info.holdoutBaselineMae = baseline;
    return info;
  }
  return {
    version: c.entry.version,
    algorithm: c.entry.algorithm,
    algorithmTitle,
    // Read loosely: the registry types a holdout as either task's (plan contract 4).
    holdoutAccuracy: (c.entry.holdout as { accuracy: number }).accuracy,
    holdoutRows: c.entry.holdout.rows,
    createdAt: c.entry.createdAt,
    featureGroupVersion: c.entry.featureGroupVersion,
    ...neighboursOf(c.model),
  };
}

/** A kNN champion's k: the predictor reserves a row per neighbour of its explanation before the model loads. */
function neighboursOf(model: ServingModel): { neighbours?: number } {
  if (!isNeighbours(model.json.estimator)) return {};
  const k = (model.json.estimator as { k?: unknown }).k;
  return typeof k === 'number' && Number.isInteger(k) && k > 0 ? { neighbours: k } : {};
}

/** A numeric label as the predictor shows it: the spec's unit, range and decimals (the model's if it has them). */
function regressionLabel(d: DatasetBuild): PredictorLabel {
  const l = d.spec.label;
  const out: PredictorLabel = { name: l.name, title: l.title, classes: [], type: 'numeric' };
  const fromModel = (d.champion?.model.json.label ?? {}) as Partial<PredictorLabel>;
  const unit = fromModel.unit ?? l.unit;
  const range = fromModel.range ?? l.range;
  const decimals = fromModel.decimals ?? l.decimals;
  if (unit !== undefined) out.unit = unit;
  if (range !== undefined) out.range = [range[0], range[1]];
  if (decimals !== undefined) out.decimals = decimals;
  return out;
}

/** The smallest and largest labelled value of the feature group (null without one). */
function observedLabel(table: FeatureTable | null): [number, number] | null {
  if (!table) return null;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < table.rows; i++) {
    const y = table.targets[i];
    if (table.labels[i] < 0 || !Number.isFinite(y)) continue;
    if (y < lo) lo = y;
    if (y > hi) hi = y;
  }
  return lo <= hi ? [lo, hi] : null;
}

export function predictorData(d: DatasetBuild): PredictorData {
  const schema = d.group?.meta.features ?? featureSchema(d.spec);
  const modelFeatures = d.champion ? d.champion.model.features : [];
  const used = new Set(modelFeatures.map((f) => f.name));
  const features = formFeatures(d, modelFeatures);
  const regression = isRegression(d);
  const out: PredictorData = {
    format: PREDICTOR_DATA_FORMAT,
    version: 1,
    dataset: d.spec.name,
    title: d.spec.title,
    description: d.spec.description,
    label: regression
      ? regressionLabel(d)
      : d.champion
        ? d.champion.model.json.label
        : { name: d.spec.label.name, title: d.spec.label.title, classes: d.spec.label.classes },
    champion: d.champion ? championInfo(d.champion) : null,
    features,
    unused: schema.filter((f) => !used.has(f.name)).map((f) => ({ name: f.name, title: f.title })),
    examples: d.champion ? examplesOf(d, features) : { ids: [], actual: [], values: [] },
  };
  if (regression) {
    // A champion without residual quantiles is the forest: its interval is its trees' spread.
    const residuals = d.champion !== null && (d.champion.model.json as { interval?: unknown }).interval;
    out.task = 'regression';
    out.regression = { observed: observedLabel(d.table()), interval: residuals ? 'residuals' : 'trees' };
  }
  return out;
}

/** The home card's regression figures: live MAE over its window beside the holdout and the mean baseline. */
function regressionSummary(d: DatasetBuild): DatasetSummary['regression'] {
  const report = d.report?.parsed;
  const l = d.spec.label;
  const label = { unit: l.unit, decimals: l.decimals };
  if (!report || !isRegressionReport(report)) return { label, live: null };
  const live = report.regression.live;
  return { label, live: { days: live.days, labelled: live.labelled, mae: live.mae, rmse: live.rmse } };
}

/** The facts every page shows first (site-facts.ts), from the registry, the monitoring file and the group. */
function factsOf(ws: Workspace, d: DatasetBuild): SiteFacts {
  const table = d.table();
  const specFile = path.join(ws.datasetDir(d.spec.name), SPEC_FILE);
  return siteFacts({
    task: isRegression(d) ? 'regression' : 'classification',
    registry: new ModelRegistry(ws, d.spec.name).index(),
    report: d.report?.parsed ?? null,
    rows: table && {
      count: table.rows,
      source: (i) => SOURCES[table.sources[i]],
      eventTime: (i) => table.eventTimes[i],
    },
    monitoring: d.spec.monitoring,
    // Read as loadSpec read it: never through a link (a spec may come from a pull request).
    specText: readInputFileIfExists(ws.root, specFile)?.toString('utf8') ?? null,
  });
}

function summary(d: DatasetBuild): DatasetSummary {
  const s: DatasetSummary = {
    failure: null,
    name: d.spec.name,
    title: d.spec.title,
    description: d.spec.description,
    champion: d.champion ? championInfo(d.champion) : null,
    featureGroup: d.group ? { version: d.group.meta.version, rows: d.group.meta.rows } : null,
    monitoring: d.report
      ? {
          lastRun: lastRun(d.report.parsed),
          alerts: activeAlerts(d.report.parsed).map((a) => ({ kind: a.kind, message: a.message })),
          live: d.report.parsed.live,
          baseline: d.report.parsed.champion?.holdoutBaseline ?? null,
          bySource: d.report.parsed.totals.bySource,
        }
      : null,
  };
  if (isRegression(d)) s.regression = regressionSummary(d);
  return s;
}

/** Empties outDir if it is a previous site build; refuses to touch any other non-empty folder. */
function prepareOutDir(outDir: string): void {
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    if (!existsSync(path.join(outDir, MARKER)))
      throw new SiteBuildError(`${outDir} is not empty and is not a site build: refusing to overwrite it`);
    rmSync(outDir, { recursive: true, force: true });
  }
  mkdirSync(outDir, { recursive: true });
}

export function buildSite(root: string, outDir: string, opts: SiteBuildOptions = {}): SiteBuildResult {
  const ws = new Workspace(root);
  const assets = opts.assets ?? path.join(root, 'site', 'assets');
  const missing = REQUIRED_ASSETS.filter((a) => !existsSync(path.join(assets, a)));
  if (missing.length > 0)
    throw new SiteBuildError(
      `${missing.join(', ')} missing in ${assets}: build the site bundles first (node scripts/build.mjs)`,
    );
  const datasets = ws.datasetNames().map((name) => prepareDataset(ws, name));
  const builtAt = utcText((opts.now ?? new Date()).toISOString());

  prepareOutDir(outDir);
  const out = siteOutput(outDir);
  const { write, copy } = out;

  write(MARKER, 'Built by gitml buildSite; the folder is replaced on every build.\n');
  // GitHub Pages: serve files as they are (no Jekyll processing of the folder).
  write('.nojekyll', '');
  for (const name of listDir(assets, false).filter((f) => f !== 'sw.js'))
    copy(path.join(assets, name), `assets/${name}`);
  // The service worker sits at the site root so its scope covers every page.
  copy(path.join(assets, 'sw.js'), 'sw.js');

  const actionsUrl = opts.repositoryUrl ? `${opts.repositoryUrl}/actions/workflows/daily.yml` : undefined;
  const homeCard = homeOgCard(datasets.map((d) => d.summary));
  write(HOME_OG_IMAGE, ogImage(homeCard));
  write(
    'index.html',
    homePage(
      datasets.map((d) => d.summary),
      builtAt,
      actionsUrl,
      socialMeta(HOME_OG_IMAGE, homeCard, '', opts.siteUrl),
      opts.repositoryUrl,
    ),
  );
  // Every dashboard's charts in one go: without a preloaded compiler that is one child process per build.
  const withReport = datasets.flatMap((d) => (d.build?.report ? [d.build.report.parsed] : []));
  const chartFiles = compileDashboardCharts(withReport);
  const shared = { builtAt, actionsUrl, siteUrl: opts.siteUrl, repositoryUrl: opts.repositoryUrl };
  for (const d of datasets) writeDataset(out, d, shared, (report) => chartFiles[withReport.indexOf(report)]);
  const failed = datasets.flatMap((d) =>
    d.failure ? [{ dataset: d.summary.name, message: d.failure }] : [],
  );
  return { pages: out.pages.sort(), files: out.files.sort(), failed };
}

/** The output folder as the build writes it: every file written or copied is listed, pages apart. */
interface SiteOutput {
  files: string[];
  pages: string[];
  write(rel: string, content: string | Uint8Array): void;
  copy(from: string, rel: string): void;
}

function siteOutput(outDir: string): SiteOutput {
  const files: string[] = [];
  const pages: string[] = [];
  const place = (rel: string) => {
    const p = path.join(outDir, ...rel.split('/'));
    mkdirSync(path.dirname(p), { recursive: true });
    files.push(rel);
    return p;
  };
  return {
    files,
    pages,
    write(rel, content) {
      writeFileSync(place(rel), content);
      if (rel.endsWith('.html')) pages.push(rel);
    },
    copy(from, rel) {
      copyFileSync(from, place(rel));
    },
  };
}

/** What every dataset's pages share: the build time and where the site and the repository are. */
interface SharedPageFacts {
  builtAt: string;
  actionsUrl: string | undefined;
  siteUrl: string | undefined;
  repositoryUrl: string | undefined;
}

/** One dataset's files: its social image, predictor, model card and dashboard pages, model and report. */
function writeDataset(
  out: SiteOutput,
  { summary: s, build: d, failure, predictor, model, card }: PreparedDataset,
  shared: SharedPageFacts,
  chartsOf: (report: MonitoringReport) => string,
): void {
  const { write, copy } = out;
  const name = s.name;
  const ogCard = datasetOgCard(s);
  const image = `${name}/${DATASET_OG_IMAGE}`;
  write(image, ogImage(ogCard));
  const social = (page: string) => socialMeta(image, ogCard, `${name}/${page}`, shared.siteUrl);
  const facts = s.facts && {
    facts: s.facts,
    context: { name, label: s.regression?.label, repositoryUrl: shared.repositoryUrl },
  };
  const meta = { name, title: s.title, description: s.description, failure, facts };
  write(
    `${name}/index.html`,
    predictorPage({ ...meta, hasChampion: model !== null, social: social('') }, shared.builtAt),
  );
  write(
    `${name}/${MODEL_CARD_PAGE}`,
    modelCardPage({ ...meta, card, social: social(MODEL_CARD_PAGE) }, shared.builtAt, shared.actionsUrl),
  );
  if (model !== null && predictor !== null) {
    write(`${name}/${PREDICTOR_FILES.model}`, model.header);
    write(`${name}/${PREDICTOR_FILES.modelBin}`, model.bin);
    write(`${name}/${PREDICTOR_FILES.data}`, predictor);
  }
  write(
    `${name}/dashboard.html`,
    dashboardPage(
      {
        ...meta,
        hasReport: d?.report != null,
        social: social('dashboard.html'),
        importance: card?.importance ?? null,
      },
      shared.builtAt,
      shared.actionsUrl,
    ),
  );
  if (d?.report) {
    copy(d.report.file, `${name}/${DASHBOARD_FILES.report}`);
    write(`${name}/${DASHBOARD_FILES.charts}`, chartsOf(d.report.parsed));
  }
}

/** What the site shows of one dataset: its files, read and checked, or why they could not be. */
interface PreparedDataset {
  summary: DatasetSummary;
  /** Null when the dataset is failing. */
  build: DatasetBuild | null;
  failure: string | null;
  /** The champion as the page fetches it (header + bytes, model-wire.ts) and predictor.json, or null. */
  model: { header: string; bin: Uint8Array } | null;
  predictor: string | null;
  /** The model-card page's card (null without a champion or when failing). */
  card: ModelCardPageData['card'];
}

/**
 * Reads everything a dataset's pages need before any page is written. A dataset whose files cannot be
 * read — an invalid dataset.yml, a corrupt feature group, model or monitoring file — is shown as failing
 * with its message (on the home page's card and on its own pages) instead of stopping the build or
 * vanishing from the site.
 */
function prepareDataset(ws: Workspace, name: string): PreparedDataset {
  let spec: DatasetSpec | null = null;
  try {
    spec = ws.loadSpec(name);
    const d = loadDataset(ws, spec);
    const importance = d.champion ? championImportance(ws, spec, d.champion, d.group, d.table) : null;
    return {
      card: modelCardOf(ws, spec, d.champion, importance),
      summary: { ...summary(d), facts: factsOf(ws, d) },
      build: d,
      failure: null,
      // The champion split into a one-line JSON header and its byte streams (base64 in the registry's
      // file grows them by a third, which gzip does not win back), gzipped here so no host has to.
      // The registry validated the file when it loaded it above.
      model: d.champion ? toWire(d.champion.model.toJSON(), (b) => gzipSync(b, { level: 9 })) : null,
      predictor: d.champion ? `${JSON.stringify(predictorData(d))}\n` : null,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      summary: {
        name,
        title: spec?.title ?? name,
        description: spec?.description ?? '',
        failure: message,
        champion: null,
        featureGroup: null,
        monitoring: null,
      },
      build: null,
      failure: message,
      model: null,
      predictor: null,
      card: null,
    };
  }
}
