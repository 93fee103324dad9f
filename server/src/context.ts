import type { Config } from './config';
import type { Db } from './db/database';
import type { InferenceEngine } from './inference/engine';

/** What every route plugin shares: the validated config, the database, the answering engine. */
export interface ServerContext {
  config: Config;
  db: Db;
  /** Null when no model is configured: inference routes then say so. */
  engine: InferenceEngine | null;
  adminToken: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: ServerContext;
  }
}
