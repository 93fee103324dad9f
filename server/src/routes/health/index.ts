import type { FastifyInstance } from 'fastify';

const VERSION = process.env.npm_package_version ?? '0.0.0';

/** Unauthenticated: tablets probe it to know the server is in reach before syncing. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/health',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              version: { type: 'string' },
              engine: { type: ['string', 'null'] },
            },
            required: ['status', 'version', 'engine'],
          },
        },
      },
    },
    async () => ({ status: 'ok', version: VERSION, engine: app.ctx.engine?.kind ?? null }),
  );
}
