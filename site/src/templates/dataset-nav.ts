// Navigation links of a dataset's pages (predictor and dashboard), relative to a page in its folder.
// Short labels, so the bar fits one line on a phone; the page's h1 names the dataset.
import type { NavLink } from './layout.js';

export function datasetNav(current: 'predictor' | 'dashboard'): NavLink[] {
  return [
    { href: '../', label: 'All datasets', current: false },
    { href: './', label: 'Predictor', current: current === 'predictor' },
    { href: 'dashboard.html', label: 'Dashboard', current: current === 'dashboard' },
  ];
}
