// After a button far from the answer changes it (a random example), the answer must be on screen: its
// panel scrolled back to the top (the verdict and the example's note sit there) and, when the panel is
// not wholly inside the window, the window scrolled to it. On a phone the panel is pinned at the top,
// so this usually moves nothing; it is what keeps the answer in view wherever the layout puts it.
export function keepInView(panel: HTMLElement): void {
  panel.scrollTop = 0;
  const r = panel.getBoundingClientRect();
  if (r.top < 0 || r.bottom > window.innerHeight) panel.scrollIntoView({ block: 'nearest' });
}
