import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { requireAdmin } from '../../auth/guards';
import { errorBodySchema, ServerError } from '../../errors';
import { prepareDeltas } from '../../packs/pack-deltas';
import type { PackStore, StoredPack } from '../../packs/pack-store';
import { unsignedNotice } from '../../packs/publisher-keys';
import { adminPack, adminPackSchema, type PackParams, packParamsSchema } from './schemas';

/** Big enough for a whole-corpus pack; a pack file is held in memory while it is validated anyway. */
const IMPORT_LIMIT = 200 * 1024 * 1024;

const importResultSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    version: { type: 'string' },
    outcome: { type: 'string', enum: ['imported', 'unchanged'] },
    status: adminPackSchema.properties.status,
  },
  required: ['id', 'version', 'outcome', 'status'],
} as const;

/**
 * Pack administration. Imports are mostly done with the `pack-import` admin command, since the files
 * sit on the laptop's disk; the upload route is for scripts on other machines.
 */
export async function adminPackRoutes(app: FastifyInstance, { store }: { store: PackStore }): Promise<void> {
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.get(
    '/api/admin/packs',
    {
      onRequest: requireAdmin,
      schema: {
        response: {
          200: { type: 'object', properties: { packs: { type: 'array', items: adminPackSchema } }, required: ['packs'] },
          401: errorBodySchema,
          403: errorBodySchema,
        },
      },
    },
    async () => ({ packs: store.list().map(adminPack) }),
  );

  app.post<{ Body: Buffer; Querystring: { publish?: boolean } }>(
    '/api/admin/packs',
    {
      // Checked before the body is read: nobody else gets to make the server buffer 200 MB.
      onRequest: requireAdmin,
      bodyLimit: IMPORT_LIMIT,
      schema: {
        querystring: {
          type: 'object',
          properties: { publish: { type: 'boolean', description: 'make the imported version current' } },
          additionalProperties: false,
        },
        response: {
          200: importResultSchema,
          201: importResultSchema,
          400: errorBodySchema,
          401: errorBodySchema,
          403: errorBodySchema,
          409: errorBodySchema,
          413: errorBodySchema,
          415: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) throw new ServerError('request/invalid', 'Send the pack file as application/x-ndjson.');
      const { manifest, outcome } = await store.importPack([request.body.toString('utf8')]);
      const { id, version } = manifest;
      const pack = request.query.publish ? await store.publish(id, version) : store.get(id, version)!;
      request.log.info({ pack: id, version, outcome }, 'pack import');
      if (request.query.publish) published(request.log, store, pack);
      return reply.code(outcome === 'imported' ? 201 : 200).send({ id, version, outcome, status: pack.status });
    },
  );

  app.post<{ Params: PackParams }>(
    '/api/admin/packs/:id/:version/publish',
    {
      onRequest: requireAdmin,
      schema: {
        params: packParamsSchema,
        response: { 200: adminPackSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const pack = await store.publish(request.params.id, request.params.version);
      published(request.log, store, pack);
      return adminPack(pack);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/admin/packs/:id/unpublish',
    {
      onRequest: requireAdmin,
      schema: {
        params: {
          type: 'object',
          properties: { id: packParamsSchema.properties.id },
          required: ['id'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { id: { type: 'string' }, unpublished: { type: 'integer' } },
            required: ['id', 'unpublished'],
          },
          400: errorBodySchema,
          401: errorBodySchema,
          403: errorBodySchema,
          404: errorBodySchema,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const unpublished = store.unpublish(id);
      request.log.info({ pack: id, versions: unpublished }, 'pack unpublished');
      return { id, unpublished };
    },
  );
}

/** Logs the publication, and makes the deltas tablets will ask for in the background: the admin need not wait. */
function published(log: FastifyBaseLogger, store: PackStore, pack: StoredPack): void {
  const { id, version } = pack.manifest;
  if (pack.signature) log.info({ pack: id, version, keyId: pack.signature.keyId }, 'pack published, signed');
  else log.warn({ pack: id, version }, unsignedNotice(`pack ${id} ${version}`));
  // A failure here only means the first tablet to ask waits while its delta is made.
  prepareDeltas(store, pack).catch((error: Error) => log.warn({ pack: id, version, err: error.message }, 'pack deltas not prepared'));
}
