import { cleanupOutdatedCaches, createHandlerBoundToURL, type PrecacheEntry, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { LibraryDb } from '../db/library-db';
import { OUTBOX_SYNC_TAG } from '../sync/background-sync';
import { createClinicSync } from '../sync/clinic-sync';

declare let self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

/** Background Sync's event (not in TypeScript's WebWorker library). */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}

// The app shell and the demo pack; the list is injected by vite-plugin-pwa at build time.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Clinic-server routes must always reach the network, never fall back to the app shell.
const SERVER_PATHS = /^\/(?:api|v1|models|setup)(?:[/?]|$)/;

// Any other navigation opens the precached shell, so deep links work offline.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [SERVER_PATHS] }));

// The model runtimes' large files — web-llm's code (about 6 MB twice) and wllama's WebAssembly (10 MB) —
// are left out of the precache (vite.config.ts: most tablets never run a model) and kept here when a
// tablet first downloads or loads a model, so the model answers offline from then on. Their files are
// named by content hash: a new version is a new name, and replaces the one it updates.
const RUNTIME_CODE = /^\/assets\/(webllm-(?:runtime|worker)|wllama)-[\w-]+\.(?:js|wasm)$/;
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && RUNTIME_CODE.test(url.pathname),
  new CacheFirst({
    cacheName: 'model-runtime-code',
    plugins: [
      {
        cacheDidUpdate: async ({ cacheName, request }) => {
          const stem = (url: string) => RUNTIME_CODE.exec(new URL(url).pathname)?.[1];
          const cache = await caches.open(cacheName);
          const stale = (await cache.keys()).filter((old) => old.url !== request.url && stem(old.url) === stem(request.url));
          await Promise.all(stale.map((old) => cache.delete(old)));
        },
      },
    ],
  }),
);

// Sent by workbox-window's messageSkipWaiting() once the user chooses "Update now".
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Take over open pages right away, so the first visit is already offline-capable.
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

// The network came back while the app may be closed: send the outbox's questions and collect answers.
self.addEventListener('sync', (event) => {
  const sync = event as SyncEvent;
  if (sync.tag === OUTBOX_SYNC_TAG) sync.waitUntil(createClinicSync({ db: new LibraryDb() }).flush());
});
