import { stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { formatPackSignatureHeader, PACK_SIGNATURE_HEADER } from '../../../../src/core/pack/pack-signature';
import { requireDevice } from '../../auth/guards';
import { errorBodySchema, ServerError } from '../../errors';
import { chooseEncoding, sendFile } from '../../http/file-responses';
import { encodedEtag, PACK_ENCODINGS, PackStore } from '../../packs/pack-store';
import { adminPackRoutes } from './admin';
import { type PackParams, packParamsSchema, packSummary, packSummarySchema, publisherKey, publisherKeySchema } from './schemas';

/**
 * Guideline packs for tablets: the list of current versions and the files themselves. Files are
 * served from copies compressed once at import rather than compressed per request: a laptop
 * handing a 20 MB pack to a room of tablets would otherwise gzip it again for each of them.
 */
export async function packRoutes(app: FastifyInstance): Promise<void> {
  const store = new PackStore(app.ctx.db, app.ctx.config.dataDir);

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
      const { id, version } = request.params;
      const pack = store.get(id, version);
      // A version that is no longer current stays downloadable: a tablet may be halfway through it.
      if (!pack || pack.status === 'unpublished') {
        throw new ServerError('request/not-found', `No published pack ${id} version ${version}.`, { id, version });
      }
      // With the file, so a tablet that downloads it checks it without asking for the list again.
      if (pack.signature) reply.header(PACK_SIGNATURE_HEADER, formatPackSignatureHeader(pack.signature));
      const chosen = chooseEncoding(
        request.headers['accept-encoding'],
        PACK_ENCODINGS.map((e) => e.encoding),
      );
      const encoded = PACK_ENCODINGS.find((e) => e.encoding === chosen);
      const path = store.pathOf(pack, encoded?.extension);
      const { size } = await stat(path);
      return sendFile(
        request,
        reply,
        {
          path,
          size,
          etag: encoded ? encodedEtag(pack.etag, encoded.encoding) : pack.etag,
          contentType: 'application/x-ndjson',
          contentEncoding: encoded?.encoding,
        },
        { cacheControl: 'no-cache', vary: 'Accept-Encoding' },
      );
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
