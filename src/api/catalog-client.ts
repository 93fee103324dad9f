import type { CatalogModel } from '../core/models/catalog';
import type { ClinicConnection } from '../db/library-db';
import { type ClinicRequestOptions, type ClinicResponse, request } from './clinic-request';

export type CatalogResult = { kind: 'catalog'; models: CatalogModel[] } | { kind: 'failed'; status?: number };

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
 * Asks for the cookie that lets `/models/*` be fetched without our Authorization header: web-llm
 * fetches its files from a worker with plain `fetch`. True when granted.
 */
export async function requestModelAccess(connection: ClinicConnection, options: ClinicRequestOptions): Promise<boolean> {
  const response = await request(connection, '/api/models/access', options, { method: 'POST' });
  return !('reason' in response) && response.status === 204;
}
