// The part of Vega the dashboard runs: its charts arrive compiled from Vega-Lite and parsed to Vega's
// runtime dataflow at build time (site/src/build/site-charts.ts), so the page needs the view with its SVG
// renderer and only the dataflow transforms those charts use — no Vega-Lite compiler, no Vega parser,
// no vega-embed, none of the geo, hierarchy, force, regression or word-cloud transforms of 'vega'.
// vega-transforms is imported file by file: its package entry keeps all forty transforms in a bundle
// (scripts/site-bundles.mjs resolves the files). test/site/site-dashboard-runtime.test.ts parses every chart
// the site builds on this runtime; unknownOperators names what a chart needs that is not registered.
import { transforms } from 'vega-dataflow';
import { axisticks, datajoin, encode, legendentries, scale, sortitems, stack } from 'vega-encode';
import aggregate from 'vega-transforms/src/Aggregate.js';
import collect from 'vega-transforms/src/Collect.js';
import compare from 'vega-transforms/src/Compare.js';
import expression from 'vega-transforms/src/Expression.js';
import extent from 'vega-transforms/src/Extent.js';
import facet from 'vega-transforms/src/Facet.js';
import field from 'vega-transforms/src/Field.js';
import filter from 'vega-transforms/src/Filter.js';
import formula from 'vega-transforms/src/Formula.js';
import key from 'vega-transforms/src/Key.js';
import multiextent from 'vega-transforms/src/MultiExtent.js';
import params from 'vega-transforms/src/Params.js';
import prefacet from 'vega-transforms/src/PreFacet.js';
import project from 'vega-transforms/src/Project.js';
import proxy from 'vega-transforms/src/Proxy.js';
import relay from 'vega-transforms/src/Relay.js';
import sieve from 'vega-transforms/src/Sieve.js';
import values from 'vega-transforms/src/Values.js';
import { bound, identifier, mark, overlap, render, viewlayout } from 'vega-view-transforms';

export { View } from 'vega-view';

/** Transform names as Vega's runtime looks them up (lower case). */
export const REGISTERED_TRANSFORMS: Readonly<Record<string, unknown>> = {
  aggregate,
  axisticks,
  bound,
  collect,
  compare,
  datajoin,
  encode,
  expression,
  extent,
  facet,
  field,
  filter,
  formula,
  identifier,
  key,
  legendentries,
  mark,
  multiextent,
  overlap,
  params,
  prefacet,
  project,
  proxy,
  relay,
  render,
  scale,
  sieve,
  sortitems,
  stack,
  values,
  viewlayout,
};

Object.assign(transforms, REGISTERED_TRANSFORMS);

interface RuntimeOperator {
  type?: string;
  params?: { subflow?: { $subflow?: { operators?: RuntimeOperator[] } } };
}

/**
 * The operator types of a runtime dataflow (subflows included) this runtime does not register: Vega
 * itself would fail on them with a TypeError, so the dashboard checks first and says which.
 */
export function unknownOperators(runtime: unknown): string[] {
  const unknown = new Set<string>();
  const walk = (ops: RuntimeOperator[] | undefined) => {
    for (const op of ops ?? []) {
      const type = String(op.type ?? '').toLowerCase();
      if (type !== 'operator' && !Object.hasOwn(transforms, type)) unknown.add(op.type ?? '?');
      walk(op.params?.subflow?.$subflow?.operators);
    }
  };
  walk((runtime as { operators?: RuntimeOperator[] })?.operators);
  return [...unknown].sort();
}
