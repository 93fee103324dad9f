import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ServerContext } from './context';
import { registerErrorHandler } from './errors';
import { cors } from './http/cors';
import { appRoutes } from './routes/app';
import { deviceRoutes } from './routes/devices';
import { feedbackRoutes } from './routes/feedback';
import { healthRoutes } from './routes/health';
import { jobRoutes } from './routes/jobs';
import { modelRoutes } from './routes/models';
import { openaiRoutes } from './routes/openai';
import { packRoutes } from './routes/packs';
import { settingsRoutes } from './routes/settings';
import { syncRoutes } from './routes/sync';
import { securityHeaders } from './security-headers';

export interface BuildOptions {
  https?: { key: string | Buffer; cert: string | Buffer } | null;
  logger?: FastifyServerOptions['logger'];
}

/**
 * Builds the clinic server without listening, so tests run it in-process or on a real port.
 * One plugin a feature; the context is the only thing they share.
 */
export async function build(ctx: ServerContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    logger: options.logger ?? false,
    // Long answers stream for minutes; the inference layer has its own timeout.
    requestTimeout: 0,
    // Closing must not wait for idle keep-alive sockets or a stream nobody reads any more.
    forceCloseConnections: true,
    bodyLimit: 8 * 1024 * 1024,
  }) as unknown as FastifyInstance;
  app.decorate('ctx', ctx);
  app.decorateRequest('device', null);
  registerErrorHandler(app);
  await app.register(securityHeaders);
  await app.register(cors);
  await app.register(healthRoutes);
  await app.register(deviceRoutes);
  await app.register(openaiRoutes);
  await app.register(jobRoutes);
  await app.register(packRoutes);
  await app.register(syncRoutes);
  await app.register(settingsRoutes);
  await app.register(feedbackRoutes);
  await app.register(modelRoutes);
  await app.register(appRoutes);
  return app;
}

/** Logs never carry question text (patient data) or tokens. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
  };
}
