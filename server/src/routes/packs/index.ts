import type { FastifyInstance, FastifyReply } from 'fastify';
import { formatPackSignatureHeader, PACK_SIGNATURE_HEADER } from '../../../../src/core/pack/pack-signature';
import { requireDevice } from '../../auth/guards';
import { errorBodySchema, ServerError } from '../../errors';
import { type EncodedFile, sendEncodedFile } from '../../http/file-responses';
import { type NoDeltaReason, PACK_DELTA_FROM_HEADER, PackDeltas } from '../../packs/pack-deltas';
import { encodedEtag, PACK_ENCODINGS, PackStore, type StoredPack } from '../../packs/pack-store';
import { adminPackRoutes } from './admin';
import {
  type PackDeltaQuery,
  type PackParams,
  packDeltaQuerySchema,
  packParamsSchema,
  packSummary,
  packSummarySchema,
  publisherKey,
  publisherKeySchema,
} from './schemas';

const NO_DELTA: Record<NoDeltaReason, string> = {
  'from-unknown': 'the server does not have that version',
  'from-not-older': 'it is not older than the version asked for',
  'too-large': 'the changes are more than half the pack',
};

/**
 * Guideline packs for tablets: the list of current versions and the files themselves. Files are
 * served from copies compressed once at import rather than compressed per request: a laptop
 * handing a 20 MB pack to a room of tablets would otherwise gzip it again for each of them.
 */
export async function packRoutes(app: FastifyInstance): Promise<void> {
  const store = new PackStore(app.ctx.db, app.ctx.config.dataDir);
  const deltas = new PackDeltas(store);

  /** A version tablets may download: published, even if no longer current (a tablet may be halfway through it). */
  const published = ({ id, version }: PackParams): StoredPack => {
    const pack = store.get(id, version);
    if (!pack || pack.status === 'unpublished') {
      throw new ServerError('request/not-found', `No published pack ${id} version ${version}.`, { id, version });
    }
    return pack;
  };

  /** With the file, so a tablet checks what it downloads without asking for the list again. */
  const signed = (reply: FastifyReply, pack: StoredPack) => {
    if (pack.signature) reply.header(PACK_SIGNATURE_HEADER, formatPackSignatureHeader(pack.signature));
  };

  app.get(
    '/api/packs',
    {
      onRequest: requireDevice,
      schema: {
        response: {
          200: { type: 'object', properties: { packs: { type: 'array', items: packSummarySchema } }, required: ['packs'] },
          401: errorBodySchema,
        },
      },
    },
    async () => ({ packs: store.current().map(packSummary) }),
  );

  app.get<{ Params: PackParams }>(
    '/api/packs/:id/:version',
    {
      onRequest: requireDevice,
      schema: {
        params: packParamsSchema,
        response: { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 416: errorBodySchema },
      },
    },
    async (request, reply) => {
      const pack = published(request.params);
      signed(reply, pack);
      return sendEncodedFile(request, reply, ndjson(store.pathOf(pack), pack.etag), { cacheControl: 'no-cache' });
    },
  );

  // What changed since the version a tablet has: the result is checked against the target's
  // manifest and signature, as the full pack would be.
  app.get<{ Params: PackParams; Querystring: PackDeltaQuery }>(
    '/api/packs/:id/:version/delta',
    {
      onRequest: requireDevice,
      schema: {
        params: packParamsSchema,
        querystring: packDeltaQuerySchema,
        response: { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 416: errorBodySchema },
      },
    },
    async (request, reply) => {
      const pack = published(request.params);
      const { from } = request.query;
      const outcome = await deltas.delta(pack, from);
      if ('reason' in outcome) {
        const { id, version } = request.params;
        throw new ServerError(
          'request/not-found',
          `No delta from version ${from} to ${id} version ${version}: ${NO_DELTA[outcome.reason]}. Download the full pack instead.`,
          { id, version, from, reason: outcome.reason },
        );
      }
      signed(reply, pack);
      reply.header(PACK_DELTA_FROM_HEADER, from);
      return sendEncodedFile(request, reply, ndjson(outcome.delta.path, outcome.delta.etag), { cacheControl: 'no-cache' });
    },
  );

  app.get(
    '/api/publisher-keys',
    {
      onRequest: requireDevice,
      schema: {
        response: {
          200: { type: 'object', properties: { keys: { type: 'array', items: publisherKeySchema } }, required: ['keys'] },
          401: errorBodySchema,
        },
      },
    },
    // The active key first; retired ones still check what they signed before a rotation.
    async () => ({ keys: store.keys.list().map(publisherKey) }),
  );

  await app.register(adminPackRoutes, { store });
}

/** A stored JSON Lines file with its pre-compressed copies (packs and deltas alike). */
function ndjson(path: string, etag: string): EncodedFile {
  return {
    path,
    etag,
    contentType: 'application/x-ndjson',
    copies: PACK_ENCODINGS.map((e) => ({ ...e, etag: encodedEtag(etag, e.encoding) })),
  };
}
