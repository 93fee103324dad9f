import type { FastifyInstance } from 'fastify';
import { requireDevice } from '../../auth/guards';
import { JobRunner } from '../../jobs/job-runner';
import { type JobRequest, JobStore } from '../../jobs/job-store';
import {
  idParamsSchema,
  listQuerySchema,
  listResponseSchema,
  oneJobResponseSchema,
  submitBodySchema,
  submitResponseSchema,
} from './schemas';

type SubmitBody = JobRequest & { id: string };

/**
 * Question jobs: a tablet that queued questions while out of reach posts them when it is back, and pulls
 * the answers later with a `since` checkpoint, so nothing depends on a connection staying open.
 */
export async function jobRoutes(app: FastifyInstance): Promise<void> {
  const { ctx } = app;
  const store = new JobStore(ctx.db);
  const runner = new JobRunner({ store, engine: ctx.engine, parallel: ctx.config.parallel, log: app.log });
  app.addHook('onReady', async () => runner.start());
  app.addHook('onClose', async () => runner.stop());

  app.post<{ Body: SubmitBody }>(
    '/api/jobs',
    { onRequest: requireDevice, schema: { body: submitBodySchema, response: submitResponseSchema } },
    async (request, reply) => {
      const { id, question, messages, prompt, options, context } = request.body;
      // The runner hears of a new job from the store, whichever route queued it (this one or a sync push).
      const { job, created } = store.submit(request.device!.id, id, { question, messages, prompt, options, context });
      return reply.status(created ? 202 : 200).send({ job });
    },
  );

  app.get<{ Querystring: { since: number; limit: number } }>(
    '/api/jobs',
    { onRequest: requireDevice, schema: { querystring: listQuerySchema, response: listResponseSchema } },
    async (request) => {
      const { since, limit } = request.query;
      const jobs = store.since(request.device!.id, since, limit);
      return { jobs, checkpoint: jobs.at(-1)?.seq ?? since };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/jobs/:id',
    { onRequest: requireDevice, schema: { params: idParamsSchema, response: oneJobResponseSchema } },
    async (request) => ({ job: store.get(request.device!.id, request.params.id) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/jobs/:id',
    { onRequest: requireDevice, schema: { params: idParamsSchema, response: oneJobResponseSchema } },
    async (request) => ({ job: store.cancel(request.device!.id, request.params.id) }),
  );
}
