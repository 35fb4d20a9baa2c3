// Every algorithm's display title by its name, as data: the Pages dashboard shows the champion's title
// without bundling the model code that ALGORITHMS / REGRESSION_ALGORITHMS carry (test/algorithm-titles
// checks the two agree). Browser-safe.

const TITLES: Readonly<Record<string, string>> = {
  'gaussian-nb': 'Gaussian naive Bayes',
  'hist-gradient-boosting': 'Histogram gradient boosting',
  knn: 'k-nearest neighbours',
  'knn-regressor': 'k-nearest neighbours',
  'linear-regression': 'Linear regression',
  'logistic-regression': 'Logistic regression',
  'random-forest': 'Random forest',
  'random-forest-regressor': 'Random forest',
  ridge: 'Ridge regression',
};

/** The algorithm's title; an unknown name (a newer registry) shows as itself. */
export function algorithmTitle(name: string): string {
  return Object.hasOwn(TITLES, name) ? TITLES[name] : name;
}

/** Every name with a title, sorted. */
export const TITLED_ALGORITHMS = Object.keys(TITLES).sort();
