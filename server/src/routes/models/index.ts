import type { FastifyInstance } from 'fastify';
import { modelsCookieFor, requireDevice, requireDeviceForModelFiles } from '../../auth/guards';
import { errorBodySchema, ServerError } from '../../errors';
import { sendFile } from '../../http/file-responses';
import { ModelCatalog } from '../../models/catalog';
import { modelEtag, resolveModelFile } from '../../models/model-files';

const fileSchema = {
  type: 'object',
  properties: { path: { type: 'string' }, size: { type: 'integer' } },
  required: ['path', 'size'],
} as const;

const requirementsSchema = {
  type: 'object',
  properties: {
    memoryBytes: { type: 'integer' },
    shaderF16: { type: 'boolean' },
    contextTokens: { type: 'integer' },
    promptProfile: { type: 'string', enum: ['chat', 'completion'] },
  },
  required: ['memoryBytes', 'shaderF16', 'contextTokens', 'promptProfile'],
} as const;

const modelSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['webllm', 'gguf'] },
    files: { type: 'array', items: fileSchema },
    totalBytes: { type: 'integer' },
    url: { type: 'string' },
    modelLib: { type: 'string' },
    requirements: requirementsSchema,
  },
  required: ['id', 'kind', 'files', 'totalBytes', 'url', 'requirements'],
} as const;

/**
 * The model mirror: tablets download web-llm and wllama model files from the clinic laptop instead
 * of the internet, with their device token. Files are served as they are; only the catalog reads
 * their headers and configs. Tablets keep them in Cache Storage, so responses say `no-cache` and the
 * ETag makes revalidation cheap; ranges let an interrupted multi-gigabyte download resume.
 */
export async function modelRoutes(app: FastifyInstance): Promise<void> {
  const { modelsDir } = app.ctx.config;
  const catalog = new ModelCatalog(modelsDir, app.log);

  app.get(
    '/api/models/catalog',
    {
      onRequest: requireDevice,
      schema: {
        response: {
          200: { type: 'object', properties: { models: { type: 'array', items: modelSchema } }, required: ['models'] },
          401: errorBodySchema,
        },
      },
    },
    async () => ({ models: await catalog.models() }),
  );

  // web-llm downloads from a Web Worker with plain fetch(url): the tablet asks for a cookie first.
  app.post(
    '/api/models/access',
    { onRequest: requireDevice, schema: { response: { 204: { type: 'null' }, 401: errorBodySchema } } },
    async (request, reply) => reply.header('set-cookie', modelsCookieFor(request)).status(204).send(),
  );

  app.route<{ Params: { '*': string } }>({
    // HEAD is its own route: Fastify's automatic one would read the whole file to discard it.
    method: ['GET', 'HEAD'],
    url: '/models/*',
    onRequest: requireDeviceForModelFiles,
    schema: {
      params: { type: 'object', properties: { '*': { type: 'string' } }, required: ['*'] },
      response: { 401: errorBodySchema, 404: errorBodySchema, 416: errorBodySchema },
    },
    handler: async (request, reply) => {
      const file = await resolveModelFile(modelsDir, request.params['*']);
      if (!file) throw new ServerError('request/not-found', 'No such model file.');
      return sendFile(
        request,
        reply,
        { path: file.path, size: file.stats.size, etag: modelEtag(file.stats), contentType: file.contentType },
        { cacheControl: 'no-cache' },
      );
    },
  });
}
