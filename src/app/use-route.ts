import { useEffect, useState } from 'react';

export type Route =
  | { name: 'library'; query: string; source: string }
  | { name: 'document'; packId: string; docId: string; excerptId: string; query: string }
  | { name: 'packs' }
  | { name: 'clinic'; code: string; server?: string }
  | { name: 'ask' }
  | { name: 'models' }
  | { name: 'sync' }
  | { name: 'feedback'; itemIds: string[] }
  | { name: 'trainer'; scenarioId: string; present: boolean };

/**
 * Hash routes, so any screen reloads from the precached index.html offline and the server needs no
 * rewrite rules: #/?q=…&source=…, #/doc/<pack>/<doc>/<excerpt>?q=…, #/packs, #/ask, #/models, #/sync, #/feedback/<question>[/<other>],
 * #/trainer[/<scenario>[/present]], #/clinic, and
 * #/enroll?code=…[&server=https://…] (the link in the QR code `npm run admin -- enroll` prints; `server` names the
 * clinic server when the app is hosted elsewhere).
 */
export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'packs') return { name: 'packs' };
  if (parts[0] === 'ask') return { name: 'ask' };
  if (parts[0] === 'models') return { name: 'models' };
  if (parts[0] === 'sync') return { name: 'sync' };
  if (parts[0] === 'feedback' && (parts.length === 2 || parts.length === 3)) return { name: 'feedback', itemIds: parts.slice(1) };
  if (parts[0] === 'trainer') return { name: 'trainer', scenarioId: parts[1] ?? '', present: parts[2] === 'present' };
  if (parts[0] === 'clinic' || parts[0] === 'enroll') {
    const server = params.get('server');
    return { name: 'clinic', code: params.get('code') ?? '', ...(server ? { server } : {}) };
  }
  if (parts[0] === 'doc' && parts.length === 4) {
    return { name: 'document', packId: parts[1]!, docId: parts[2]!, excerptId: parts[3]!, query: params.get('q') ?? '' };
  }
  return { name: 'library', query: params.get('q') ?? '', source: params.get('source') ?? '' };
}

export function hrefOf(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.name) {
    case 'packs':
      return '#/packs';
    case 'ask':
      return '#/ask';
    case 'models':
      return '#/models';
    case 'sync':
      return '#/sync';
    case 'feedback':
      return `#/feedback/${route.itemIds.map(enc).join('/')}`;
    case 'trainer':
      return route.scenarioId ? `#/trainer/${enc(route.scenarioId)}${route.present ? '/present' : ''}` : '#/trainer';
    case 'clinic':
      if (!route.code) return '#/clinic';
      return `#/enroll?code=${enc(route.code)}${route.server ? `&server=${enc(route.server)}` : ''}`;
    case 'document':
      return `#/doc/${enc(route.packId)}/${enc(route.docId)}/${enc(route.excerptId)}${route.query ? `?q=${enc(route.query)}` : ''}`;
    case 'library': {
      const params = new URLSearchParams();
      if (route.query) params.set('q', route.query);
      if (route.source) params.set('source', route.source);
      const search = params.toString();
      return search ? `#/?${search}` : '#/';
    }
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    // In-page anchors such as the skip link (#main) are not routes: keep the screen as it is.
    const onChange = () => {
      if (location.hash === '' || location.hash.startsWith('#/')) setRoute(parseRoute(location.hash));
    };
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Updates the URL without adding a history entry per keystroke. */
export function replaceRoute(route: Route): void {
  history.replaceState(null, '', hrefOf(route));
}
