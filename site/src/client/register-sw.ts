// Registers the site's service worker (sw.js at the site root) and hands it the files this page loaded,
// so the page keeps working offline once it has been opened. Best effort: without service workers
// (file://, old browsers, private modes) the page simply stays online-only.

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const root = new URL(document.body.dataset.root ?? './', location.href);
  navigator.serviceWorker
    .register(new URL('sw.js', root), { scope: root.pathname })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const loaded = performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((url) => new URL(url).origin === location.origin);
      registration.active?.postMessage({ type: 'cache', urls: [location.href, ...loaded] });
    })
    .catch((err: unknown) => console.warn('offline support unavailable:', err));
}
