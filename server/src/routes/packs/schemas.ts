import type { StoredPack } from '../../packs/pack-store';
import type { PublisherKey } from '../../packs/publisher-keys';

/** The pack ids and versions the app's schema allows: they are also the file names on disk. */
export const packParamsSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,79}$' },
    version: { type: 'string', pattern: '^\\d+(\\.\\d+){0,3}$' },
  },
  required: ['id', 'version'],
  additionalProperties: false,
} as const;

export interface PackParams {
  id: string;
  version: string;
}

/** `?from=<version>`: the version the tablet has installed, which a delta turns into the one asked for. */
export const packDeltaQuerySchema = {
  type: 'object',
  properties: { from: packParamsSchema.properties.version },
  required: ['from'],
  additionalProperties: false,
} as const;

export interface PackDeltaQuery {
  from: string;
}

/** What a tablet needs to decide whether to download a pack. */
export const packSummarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    version: { type: 'string' },
    title: { type: 'string' },
    language: { type: 'string' },
    publisher: { type: 'string' },
    licence: { type: 'string' },
    excerptCount: { type: 'integer' },
    size: { type: 'integer' },
    contentHash: { type: 'string' },
    demo: { type: 'boolean' },
    publishedAt: { type: ['string', 'null'] },
    /** The publisher key's signature of the manifest; null when the version was published unsigned. */
    signature: {
      anyOf: [
        {
          type: 'object',
          properties: { keyId: { type: 'string' }, signature: { type: 'string' } },
          required: ['keyId', 'signature'],
        },
        { type: 'null' },
      ],
    },
  },
  required: [
    'id',
    'version',
    'title',
    'language',
    'publisher',
    'licence',
    'excerptCount',
    'size',
    'contentHash',
    'demo',
    'publishedAt',
    'signature',
  ],
} as const;

/** A publisher public key, as tablets are configured with it. */
export const publisherKeySchema = {
  type: 'object',
  properties: {
    keyId: { type: 'string' },
    publicKey: { type: 'string', description: 'raw 32-byte Ed25519 public key, base64url' },
    name: { type: 'string' },
    retired: { type: 'boolean' },
  },
  required: ['keyId', 'publicKey', 'name', 'retired'],
} as const;

export const adminPackSchema = {
  type: 'object',
  properties: {
    ...packSummarySchema.properties,
    status: { type: 'string', enum: ['current', 'published', 'unpublished'] },
    importedAt: { type: 'string' },
  },
  required: [...packSummarySchema.required, 'status', 'importedAt'],
} as const;

export function packSummary(pack: StoredPack) {
  const m = pack.manifest;
  return {
    id: m.id,
    version: m.version,
    title: m.title,
    language: m.language,
    publisher: m.publisher,
    licence: m.licence,
    excerptCount: m.excerptCount,
    size: pack.size,
    contentHash: m.contentHash,
    demo: m.demo ?? false,
    publishedAt: pack.publishedAt,
    signature: pack.signature,
  };
}

export function adminPack(pack: StoredPack) {
  return { ...packSummary(pack), status: pack.status, importedAt: pack.importedAt };
}

export function publisherKey(key: PublisherKey) {
  return { keyId: key.keyId, publicKey: key.publicKey, name: key.name, retired: key.retiredAt !== null };
}
