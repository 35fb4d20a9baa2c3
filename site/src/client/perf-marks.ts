// Names of the performance marks the pages set (performance.mark): what the site test and the site
// bench time the pages by. Browser-safe.
export const PERF_MARKS = {
  /** The predictor shows its first prediction. */
  firstPrediction: 'gitml:first-prediction',
  /** The predictor's model.json has arrived … */
  modelFetched: 'gitml:model-fetched',
  /** … and is loaded. */
  modelLoaded: 'gitml:model-loaded',
  /** The dashboard has drawn every chart. */
  dashboardReady: 'gitml:dashboard-ready',
  /** A measure (performance.measure): the predictor computed and drew one explanation. */
  explanation: 'gitml:explanation',
} as const;
