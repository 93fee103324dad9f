import { type PackSignature, PackSignatureSchema, type TrustedKey, TrustedKeySchema } from '../core/pack/pack-signature';
import type { ClinicConnection } from '../db/library-db';
import { type ClinicRequestOptions, request } from './clinic-request';

/** A pack the clinic server publishes, as `GET /api/packs` lists it. */
export interface PublishedPack {
  id: string;
  version: string;
  title: string;
  contentHash: string;
  size: number;
  signature: PackSignature | null;
}

/** Fetches the bytes of a published pack file with the device token. */
export type PackDownload = (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<Blob>;

export type Listing<T> = { kind: 'list'; items: T[] } | { kind: 'failed' };

/** The current version of every published pack. */
export async function fetchPublishedPacks(connection: ClinicConnection, options: ClinicRequestOptions): Promise<Listing<PublishedPack>> {
  const response = await request(connection, '/api/packs', options, { method: 'GET' });
  if ('reason' in response || response.status !== 200) return { kind: 'failed' };
  const packs = (response.json as { packs?: PublishedPack[] }).packs;
  if (!Array.isArray(packs)) return { kind: 'failed' };
  // A signature that does not parse is kept as null: the check then refuses the pack as unsigned, in words.
  return {
    kind: 'list',
    items: packs.map((p) => ({ ...p, signature: PackSignatureSchema.safeParse(p.signature).data ?? null })),
  };
}

/** The publisher keys the clinic configured: the only ones this tablet trusts. Retired keys are not. */
export async function fetchPublisherKeys(connection: ClinicConnection, options: ClinicRequestOptions): Promise<Listing<TrustedKey>> {
  const response = await request(connection, '/api/publisher-keys', options, { method: 'GET' });
  if ('reason' in response || response.status !== 200) return { kind: 'failed' };
  const keys = (response.json as { keys?: (TrustedKey & { retired?: boolean })[] }).keys;
  if (!Array.isArray(keys)) return { kind: 'failed' };
  return { kind: 'list', items: keys.filter((k) => !k.retired).flatMap((k) => TrustedKeySchema.safeParse(k).data ?? []) };
}

/** The pack file, with the device token; rejects when it cannot be fetched whole. */
export async function downloadPack(
  connection: ClinicConnection,
  pack: Pick<PublishedPack, 'id' | 'version'>,
  download: PackDownload,
  timeoutMs: number,
): Promise<Blob> {
  const path = `/api/packs/${encodeURIComponent(pack.id)}/${encodeURIComponent(pack.version)}`;
  return download(new URL(path, connection.origin).href, {
    headers: { authorization: `Bearer ${connection.token}` },
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** The browser's fetch, as a PackDownload. */
export const browserDownload: PackDownload = async (url, init) => {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.blob();
};
