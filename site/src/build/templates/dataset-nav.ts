// Navigation links of a dataset's pages (predictor, dashboard and model card), relative to a page in its folder.
// Short labels, so the bar fits one line on a phone; the page's h1 names the dataset.
import type { NavLink } from './layout.js';

export function datasetNav(current: 'predictor' | 'dashboard' | 'model-card'): NavLink[] {
  return [
    { href: '../', label: 'All datasets', current: false },
    { href: './', label: 'Predictor', current: current === 'predictor' },
    { href: 'dashboard.html', label: 'Dashboard', current: current === 'dashboard' },
    { href: 'model-card.html', label: 'Model card', current: current === 'model-card' },
  ];
}
