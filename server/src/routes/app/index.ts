import { existsSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { errorBodySchema, ServerError } from '../../errors';

/** Paths that belong to the API: a miss there is a JSON 404, never the app's page. */
const API_PREFIXES = ['/api/', '/v1/', '/models/'];

const CONTENT_TYPES: Record<string, string> = {
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.jsonl': 'application/x-ndjson',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The built app. Vite names files under assets/ by content hash, so they are cached for good; all
 * else (index.html, the service worker, the manifest) revalidates on every load so that an update
 * is never hidden behind a stale copy. Registered last: any route of another feature wins.
 */
export async function appRoutes(app: FastifyInstance): Promise<void> {
  const root = app.ctx.config.staticDir;
  await app.register(fastifyStatic, {
    root,
    // Our own route below decides between a file and the app's page (see there).
    serve: false,
    // A missing build is reported per request, with the fix, rather than warned once at start.
    suppressWarning: true,
    cacheControl: false,
    etag: true,
    dotfiles: 'ignore',
    setHeaders(reply, path) {
      reply.header('cache-control', relative(root, path).startsWith(`assets${sep}`) ? IMMUTABLE : 'no-cache');
      const type = CONTENT_TYPES[extname(path)];
      if (type) reply.header('content-type', type);
    },
  });

  app.get(
    '/*',
    {
      schema: {
        params: { type: 'object', properties: { '*': { type: 'string' } } },
        response: { 403: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      if (API_PREFIXES.some((prefix) => `/${path}`.startsWith(prefix))) return reply.callNotFound();
      // A name with an extension is a file: a missing one must be a 404, not the page (a service
      // worker caching HTML as a script would break the app). Anything else is a deep link into the app.
      if (/\.[^/]*$/.test(path)) return reply.sendFile(path);
      if (!existsSync(join(root, 'index.html'))) {
        throw new ServerError('app/not-built', 'The app is not built: run npm run build on the server, then reload this page.');
      }
      return reply.sendFile('index.html');
    },
  );
}
