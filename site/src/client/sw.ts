// The site's service worker: network first (a new daily model shows up as soon as it is deployed), the
// cache when offline. Pages send the files they loaded, so everything a visited page needs is cached.
// Query strings (the predictor's form state) are ignored when matching: one cached page serves every link.
// The few worker types used, declared here: the WebWorker lib clashes with the DOM lib in one project.
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
}
interface WorkerScope {
  readonly location: Location;
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}
declare const self: WorkerScope;

const CACHE = 'gitml-site-v1';

const sameOrigin = (url: string) => new URL(url, self.location.href).origin === self.location.origin;
const withoutQuery = (url: string) => url.split('?')[0];

self.addEventListener('install', () => {
  void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  const data = event.data as { type?: string; urls?: unknown } | null;
  if (data?.type !== 'cache' || !Array.isArray(data.urls)) return;
  const urls = [
    ...new Set(
      data.urls.filter((u): u is string => typeof u === 'string' && sameOrigin(u)).map(withoutQuery),
    ),
  ];
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      for (const url of urls) if (!(await cache.match(url))) await cache.add(url).catch(() => undefined);
    }),
  );
});

async function networkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(withoutQuery(request.url), response.clone());
    return response;
  } catch (err) {
    const hit = await cache.match(request, { ignoreSearch: true });
    if (hit) return hit;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  if (event.request.method !== 'GET' || !sameOrigin(event.request.url)) return;
  event.respondWith(networkFirst(event.request));
});
