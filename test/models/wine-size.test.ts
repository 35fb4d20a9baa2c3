// The champion on the wire (model-wire.ts: model.json header + gzipped model.bin) and the size tie-break
// that keeps the Wine forest small (training.ts bestCv). Every committed champion goes through the wire and
// comes back byte for byte, predicting as the registry's file does; a broken or mismatched pair says so;
// the Wine champion's wire files fit the 150 KB (gzip) at the study's measured accuracy.
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { Workspace } from '../../actions/lib/files/workspace.js';
import { encodeBase64 } from '../../actions/lib/models/base64.js';
import { BYTE_FIELDS, fnv1a, fromWire, toWire, wireEncoding } from '../../actions/lib/models/model-wire.js';
import { ServingModel } from '../../actions/lib/models/serving-model.js';
import { ModelFormatError } from '../../actions/lib/models/types.js';
import { ModelRegistry } from '../../actions/lib/registry/model-registry.js';
import { bestCv, type CvResult, topCv, withinOneSe } from '../../actions/lib/training/training.js';

const ws = new Workspace(process.cwd());
const gzip = (b: Uint8Array) => gzipSync(b, { level: 9 });
const champions = ws.datasetNames().flatMap((name) => {
  const c = new ModelRegistry(ws, name).champion();
  return c ? [{ name, json: c.model.toJSON(), model: c.model }] : [];
});

/** Every value of `record`, as the base64 text the registry stores for byte fields. */
function asRegistry(raw: unknown): unknown {
  const m = raw as { estimator: Record<string, unknown> };
  const estimator = { ...m.estimator };
  for (const [f, v] of Object.entries(estimator)) if (v instanceof Uint8Array) estimator[f] = encodeBase64(v);
  return { ...m, estimator };
}

describe('model-wire: header + bin', () => {
  test('there are champions of several estimator kinds to check', () => {
    const formats = new Set(champions.map((c) => (c.json.estimator as { format: string }).format));
    expect(formats.size).toBeGreaterThanOrEqual(3);
    expect(formats).toContain('gitml.random-forest');
  });

  for (const { name, json, model } of champions) {
    test(`${name}: the champion comes back byte for byte and predicts as the registry's file`, () => {
      const { header, bin } = toWire(json, gzip);
      const parsed = JSON.parse(header);
      expect(wireEncoding(parsed)).toBe('gzip');
      expect(header.endsWith('\n') && !header.slice(0, -1).includes('\n')).toBe(true);
      // No base64 left in the header: every byte stream moved to the bin.
      for (const f of BYTE_FIELDS[parsed.estimator.format] ?? [])
        expect(parsed.estimator[f].bin).toEqual({ offset: expect.any(Number), length: expect.any(Number) });
      const raw = fromWire(parsed, gunzipSync(bin), 'model.json');
      expect(asRegistry(raw)).toEqual(json);
      const loaded = ServingModel.load(raw, 'model.json', { lazy: true });
      const example = Object.fromEntries(
        model.features.map((f) => [
          f.name,
          f.type === 'categorical' ? f.categories![0].value : f.range ? (f.range[0] + f.range[1]) / 2 : 1,
        ]),
      );
      expect(loaded.predictOne(example)).toEqual(model.predictOne(example));
    });
  }

  test('a header without a wire field is a whole model (passes through)', () => {
    const json = champions[0].json;
    expect(fromWire(JSON.parse(JSON.stringify(json)), new Uint8Array(0))).toEqual(json);
    expect(wireEncoding(json)).toBe('identity');
  });

  test('identity encoding: the bin is the bytes themselves', () => {
    const wine = champions.find((c) => c.name === 'wine')!;
    const { header, bin } = toWire(wine.json);
    const parsed = JSON.parse(header);
    expect(parsed.wire.encoding).toBe('identity');
    expect(parsed.wire.fnv1a).toBe(fnv1a(bin));
    expect(asRegistry(fromWire(parsed, bin))).toEqual(wine.json);
  });

  test('a broken or mismatched pair is a ModelFormatError that says what to do', () => {
    const wine = champions.find((c) => c.name === 'wine')!;
    const { header, bin } = toWire(wine.json);
    const h = JSON.parse(header);
    const fails = (hd: unknown, b: Uint8Array, message: RegExp) => {
      expect(() => fromWire(hd, b, 'wine/model.json')).toThrow(ModelFormatError);
      expect(() => fromWire(hd, b, 'wine/model.json')).toThrow(message);
    };
    fails(h, bin.slice(0, -1), /wine\/model\.json: model\.bin has \d+ bytes, the header says \d+; .*reload/);
    const flipped = bin.slice();
    flipped[100] ^= 1;
    fails(h, flipped, /does not match its header \(checksum\); the two files are from different builds/);
    fails({ ...h, wire: { ...h.wire, version: 2 } }, bin, /wire version 2 is not 1; rebuild the site/);
    fails(
      { ...h, wire: { ...h.wire, encoding: 'br' } },
      bin,
      /wire encoding "br" is not 'gzip' or 'identity'/,
    );
    const beyond = { ...h, estimator: { ...h.estimator, trees: { bin: { offset: 1, length: bin.length } } } };
    fails(beyond, bin, /estimator\.trees points at bytes 1\+\d+, beyond model\.bin's \d+/);
    fails([], bin, /not a JSON object/);
  });

  test('Wine champion on the wire: at most 150 KB gzip (header + bin), 675 KB raw / 416 KB gzip before', () => {
    const wine = champions.find((c) => c.name === 'wine')!;
    const { header, bin } = toWire(wine.json, gzip);
    const wire = gzip(new TextEncoder().encode(header)).length + bin.length;
    expect(wire).toBeLessThanOrEqual(150_000);
    // A gzip of the gzipped bin wins nothing: what a host that compresses it anyway would send.
    expect(gzip(bin).length).toBeGreaterThanOrEqual(bin.length - 1000);
  });

  test("the Wine champion's configuration scores within one paired SE of the v3 configuration (study)", () => {
    const wine = champions.find((c) => c.name === 'wine')!;
    const study = JSON.parse(readFileSync('reports/studies/wine-size.json', 'utf8')) as {
      params: { nTrees: number; minSamplesLeaf: number; maxDepth?: number };
      float32: boolean;
      pairedDiff: number;
      pairedSe: number;
    }[];
    const p = wine.json.params as { nTrees: number; minSamplesLeaf: number; maxDepth: number };
    const row = study.find(
      (r) =>
        !r.float32 &&
        r.params.nTrees === p.nTrees &&
        r.params.minSamplesLeaf === p.minSamplesLeaf &&
        (r.params.maxDepth ?? 0) === p.maxDepth,
    );
    expect(row).toBeDefined();
    expect(row!.pairedDiff).toBeGreaterThanOrEqual(-row!.pairedSe);
  });
});

describe('bestCv: the smallest model within one paired standard error of the best', () => {
  const rf = (folds: number[], modelBytes: number, extra: Partial<CvResult> = {}): CvResult => ({
    algorithm: 'random-forest',
    params: {},
    minAbsCorrelation: 0,
    meanAccuracy: folds.reduce((s, x) => s + x, 0) / folds.length,
    foldAccuracy: folds,
    modelBytes,
    ...extra,
  });

  test('a smaller forest within noise wins; one beyond it, another algorithm or selection does not', () => {
    const top = rf([0.6, 0.5, 0.7, 0.55, 0.65], 800);
    // Differences 0.01, −0.01, 0.02, 0, 0.01: mean 0.006, SE 0.0051 → beyond one SE.
    const beyond = rf([0.59, 0.51, 0.68, 0.55, 0.64], 100);
    // Differences 0.01, −0.01, 0.01, −0.01, 0.01: mean 0.002, SE 0.0049 → within.
    const within = rf([0.59, 0.51, 0.69, 0.56, 0.64], 300);
    const otherAlgorithm = rf([0.6, 0.5, 0.7, 0.55, 0.65], 10, { algorithm: 'knn' });
    const otherSelection = rf([0.6, 0.5, 0.7, 0.55, 0.65], 10, { minAbsCorrelation: 0.15 });
    const cv = [top, beyond, within, otherAlgorithm, otherSelection];
    expect(withinOneSe(top, beyond)).toBe(false);
    expect(withinOneSe(top, within)).toBe(true);
    expect(topCv(cv)).toBe(top);
    expect(bestCv(cv)).toBe(within);
    // Within noise but not a tenth smaller: the top score stands (a linear model's digits are no reason).
    expect(bestCv([top, { ...within, modelBytes: 760 }])).toBe(top);
    // Without sizes (older results), the top score stands.
    expect(bestCv(cv.map((c) => ({ ...c, modelBytes: undefined })))).toEqual({
      ...top,
      modelBytes: undefined,
    });
  });

  test('regression: lower MAE is better, and the rule runs the other way', () => {
    const mae = (folds: number[], modelBytes: number): CvResult => ({
      ...rf([], modelBytes, { algorithm: 'random-forest-regressor' }),
      meanAccuracy: Number.NaN,
      meanMae: folds.reduce((s, x) => s + x, 0) / folds.length,
      foldMae: folds,
    });
    const top = mae([1, 1.2, 0.9, 1.1, 1], 900);
    const within = mae([1.01, 1.19, 0.91, 1.09, 1.01], 200);
    const worse = mae([1.1, 1.3, 1.0, 1.2, 1.1], 100);
    expect(bestCv([top, within, worse])).toBe(within);
  });
});
