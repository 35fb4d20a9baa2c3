// Reading the site's pages from a test: the predictor's form and answer, and the dashboard's chart marks.
import type { Page } from 'playwright-core';
import type { PredictorFeature } from '../../site/src/client/page-data.js';

export interface ShownPrediction {
  classValue: string | null;
  label: string;
  /** Exact probabilities (data-probability), class order. */
  probabilities: number[];
  /** The percentages as shown. */
  percents: string[];
  problem: string | null;
}

export function readPrediction(page: Page): Promise<ShownPrediction> {
  return page.evaluate(() => {
    const label = document.getElementById('predicted-class')!;
    const problem = document.getElementById('prediction-problem')!;
    const bars = [...document.querySelectorAll<HTMLElement>('.bars li')];
    return {
      classValue: label.dataset.class ?? null,
      label: label.textContent ?? '',
      probabilities: bars.map((b) => Number(b.dataset.probability)),
      percents: bars.map((b) => b.querySelector('.value')?.textContent ?? ''),
      problem: problem.hidden ? null : problem.textContent,
    };
  });
}

/** The form's inputs (predictor.json's features but the derived was-missing flags). */
export const inputsOf = (features: readonly PredictorFeature[]) =>
  features.filter((f) => f.derivedFrom === undefined);

/**
 * A stored row as a user types it: a value its was-missing flag marks as filled is left blank (the form
 * derives the flag from the blank), the flags themselves are not typed.
 */
export function typedRow(
  features: readonly PredictorFeature[],
  row: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of inputsOf(features)) {
    const flag = features.find((g) => g.derivedFrom === f.name);
    out[f.name] = flag && row[flag.name] === '1' ? '' : row[f.name];
  }
  return out;
}

/** Types a row into the form the way a user would: fill text boxes, pick dropdown options. */
export async function enterRow(
  page: Page,
  features: readonly PredictorFeature[],
  row: Record<string, string>,
): Promise<void> {
  const typed = typedRow(features, row);
  for (const f of inputsOf(features)) {
    const selector = `#f-${f.name}`;
    if (f.type === 'categorical') await page.selectOption(selector, typed[f.name]);
    else await page.fill(selector, typed[f.name]);
  }
}

export function formValues(
  page: Page,
  features: readonly PredictorFeature[],
): Promise<Record<string, string>> {
  const names = inputsOf(features).map((f) => f.name);
  return page.evaluate((ns) => {
    const out: Record<string, string> = {};
    for (const n of ns) out[n] = (document.getElementById(`f-${n}`) as HTMLInputElement).value;
    return out;
  }, names);
}

/** Data marks drawn per mark type in a figure's SVG (the brush's own rectangles left out). */
export function markCounts(page: Page, chartId: string): Promise<Record<string, number>> {
  return page.evaluate((id) => {
    const counts: Record<string, number> = {};
    const figure = document.querySelector(`figure[data-chart="${id}"]`)!;
    for (const g of figure.querySelectorAll('svg g.role-mark')) {
      if (g.classList.contains('brush_brush') || g.classList.contains('brush_brush_bg')) continue;
      const type = [...g.classList].find((c) => c.startsWith('mark-'))!.slice(5);
      counts[type] =
        (counts[type] ?? 0) + g.querySelectorAll(':scope > path, :scope > text, :scope > line').length;
    }
    return counts;
  }, chartId);
}

/**
 * Time per input change on a predictor page: the whole input handler (check, predict, redraw), averaged
 * over 400 changes of one input between the given values, in milliseconds.
 */
export function timePerInputChange(page: Page, inputId: string, values: string[]): Promise<number> {
  return page.evaluate(
    ({ id, values }) => {
      const input = document.getElementById(id) as HTMLInputElement;
      const n = 400;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        input.value = values[i % values.length];
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      return (performance.now() - t0) / n;
    },
    { id: inputId, values },
  );
}
