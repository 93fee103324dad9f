import type { FastifyError, FastifyInstance } from 'fastify';

/** Every failure the API reports, as a fixed set of codes clients can act on. */
export type ServerErrorCode =
  | 'auth/missing-token'
  | 'auth/invalid-token'
  | 'auth/not-admin'
  | 'auth/invalid-enrollment'
  | 'request/invalid'
  | 'request/not-found'
  | 'request/too-large'
  | 'request/conflict'
  | 'inference/no-model'
  | 'inference/busy'
  | 'inference/timeout'
  | 'inference/upstream-failed'
  | 'range/not-satisfiable'
  | 'sync/outdated-app'
  | 'internal'
  | 'app/not-built';

const STATUS: Record<ServerErrorCode, number> = {
  'auth/missing-token': 401,
  'auth/invalid-token': 401,
  'auth/not-admin': 403,
  'auth/invalid-enrollment': 403,
  'request/invalid': 400,
  'request/not-found': 404,
  'request/too-large': 413,
  'request/conflict': 409,
  'inference/no-model': 503,
  'inference/busy': 503,
  'inference/timeout': 504,
  'inference/upstream-failed': 502,
  'range/not-satisfiable': 416,
  'sync/outdated-app': 426,
  internal: 500,
  'app/not-built': 503,
};

export class ServerError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ServerErrorCode,
    message: string,
    readonly details?: Record<string, string | number | boolean | null>,
  ) {
    super(message);
    this.name = 'ServerError';
    this.statusCode = STATUS[code];
  }
}

/** The error body on every route: `{ error: { code, message, details } }`. */
export const errorBodySchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

/** One handler turns every failure into the same JSON shape; internals never leak. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ServerError, request, reply) => {
    if (error instanceof ServerError) {
      if (typeof error.details?.retryAfterS === 'number') reply.header('retry-after', String(error.details.retryAfterS));
      return reply.status(error.statusCode).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error.validation) {
      return reply.status(400).send({ error: { code: 'request/invalid', message: error.message } });
    }
    if (error.statusCode === 413) {
      return reply.status(413).send({ error: { code: 'request/too-large', message: 'The request body is too large.' } });
    }
    if (error.statusCode && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ error: { code: 'request/invalid', message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'Internal server error.' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'request/not-found', message: `No route for ${request.method} ${request.url}.` } }),
  );
}
