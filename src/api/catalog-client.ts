import type { CatalogModel } from '../core/models/catalog';
import type { ClinicConnection } from '../db/library-db';
import { type ClinicRequestOptions, type ClinicResponse, request } from './clinic-request';

export type CatalogResult = { kind: 'catalog'; models: CatalogModel[] } | { kind: 'failed'; status?: number };

/**
 * Where models come from: the clinic server the tablet is enrolled with (its device token), or, on a tablet
 * not enrolled, the files beside the app on its own host (`npm run static:models`; no token).
 */
export type ModelSource = { kind: 'clinic'; connection: ClinicConnection } | { kind: 'app'; base: string };

/** The catalog `npm run static:models` writes beside the app. */
const STATIC_CATALOG = 'models/catalog.json';

/** What the source's `models/<path>` resolves against: the clinic server's origin, or the app's own directory. */
export function sourceBase(source: ModelSource): string {
  return source.kind === 'clinic' ? source.connection.origin : source.base;
}

/**
 * web-llm's worker fetches model files with plain `fetch`, authenticated by the cookie from
 * `POST /api/models/access`. Only a page on the clinic server's own origin gets it: the app sends no
 * credentials to another origin, and the cookie is SameSite=Strict. Files beside the app need none.
 */
export function canFetchWebllm(source: ModelSource, pageOrigin: string): boolean {
  return source.kind === 'app' || new URL(source.connection.origin).origin === pageOrigin;
}

const failed = (response: ClinicResponse): CatalogResult => ({
  kind: 'failed',
  ...('status' in response ? { status: response.status } : {}),
});

/** The models the clinic server mirrors for tablets (`GET /api/models/catalog`). */
export async function fetchCatalog(connection: ClinicConnection, options: ClinicRequestOptions): Promise<CatalogResult> {
  const response = await request(connection, '/api/models/catalog', options, { method: 'GET' });
  if ('reason' in response || response.status !== 200) return failed(response);
  const models = (response.json as { models?: CatalogModel[] }).models;
  return Array.isArray(models) ? { kind: 'catalog', models } : failed(response);
}

/**
 * The source's models. Beside the app, a missing catalog (a 404, or a host answering every path with the
 * app's page) fails with its status; only an unreachable host fails without one.
 */
export async function fetchSourceCatalog(source: ModelSource, options: ClinicRequestOptions): Promise<CatalogResult> {
  if (source.kind === 'clinic') return fetchCatalog(source.connection, options);
  let status: number | undefined;
  try {
    const response = await options.fetch(new URL(STATIC_CATALOG, source.base).href, {
      method: 'GET',
      headers: {},
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    status = response.status;
    const models = status === 200 ? ((await response.json()) as { models?: CatalogModel[] }).models : undefined;
    return Array.isArray(models) ? { kind: 'catalog', models } : { kind: 'failed', status };
  } catch {
    return status === undefined ? { kind: 'failed' } : { kind: 'failed', status };
  }
}

/**
 * Asks for the cookie that lets `/models/*` be fetched without our Authorization header: web-llm
 * fetches its files from a worker with plain `fetch`. True when granted.
 */
export async function requestModelAccess(connection: ClinicConnection, options: ClinicRequestOptions): Promise<boolean> {
  const response = await request(connection, '/api/models/access', options, { method: 'POST' });
  return !('reason' in response) && response.status === 204;
}
