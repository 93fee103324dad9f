import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** What a tablet's app hosted elsewhere calls: the device API, the sync, `/v1` and the model mirror. */
const SHARED = /^\/(?:api|v1|models)(?:[/?]|$)/;
/** The laptop owner's routes stay reachable from this origin only, whatever the configuration. */
const ADMIN = /^\/api\/admin(?:[/?]|$)/;

const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
  'access-control-allow-headers': 'authorization, content-type, x-meditron-sync, range, if-range',
  'access-control-max-age': '86400',
};
// What the app reads of responses beyond the CORS-safelisted ones (content-encoding: resumable pack downloads).
const EXPOSED = 'etag, content-range, content-length, content-encoding, x-pack-signature, x-pack-delta-from, retry-after';

/**
 * CORS for the app hosted on another origin (`--allow-origin`): the exact origins configured, never `*`,
 * and never credentials — the app authenticates with its bearer token, so the models cookie (SameSite=Strict)
 * plays no part. Headers are set before the handler runs, so a streamed answer (a hijacked reply) has them too.
 */
export const cors = fp(
  async (app: FastifyInstance) => {
    const allowed = new Set(app.ctx.config.allowOrigins ?? []);
    if (allowed.size === 0) return;
    const shared = (request: FastifyRequest) => SHARED.test(request.url) && !ADMIN.test(request.url);
    const allowedOrigin = (request: FastifyRequest) => {
      const origin = request.headers.origin;
      return origin !== undefined && allowed.has(origin) && shared(request) ? origin : undefined;
    };

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!shared(request)) return;
      // The answer depends on the Origin: caches must not hand one origin's answer to another.
      reply.header('vary', 'Origin');
      const origin = allowedOrigin(request);
      if (!origin) return;
      reply.header('access-control-allow-origin', origin);
      if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
        return reply.code(204).headers(PREFLIGHT_HEADERS).send();
      }
      reply.header('access-control-expose-headers', EXPOSED);
    });

    // After the security headers (registered before): their same-origin resource policy would otherwise
    // bar the allowed origin's page when it is cross-origin isolated.
    app.addHook('onSend', async (request, reply) => {
      if (allowedOrigin(request)) reply.header('cross-origin-resource-policy', 'cross-origin');
    });
  },
  { name: 'cors', dependencies: ['security-headers'] },
);
