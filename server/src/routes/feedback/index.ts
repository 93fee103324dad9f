import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../auth/guards';
import { errorBodySchema } from '../../errors';
import { FEEDBACK_FILES, preferencePairs, ratingRecords, toJsonl } from '../../feedback/feedback-export';
import { FeedbackStore } from '../../feedback/feedback-store';

const EXPORTS = [
  { path: '/api/admin/feedback/ratings.jsonl', file: FEEDBACK_FILES.ratings, records: ratingRecords },
  { path: '/api/admin/feedback/preferences.jsonl', file: FEEDBACK_FILES.preferences, records: preferencePairs },
] as const;

/** Clinicians' feedback as JSON Lines, for evaluation and DPO training (the same files as `feedback-export`). */
export async function feedbackRoutes(app: FastifyInstance): Promise<void> {
  const store = new FeedbackStore(app.ctx.db);

  for (const { path, file, records } of EXPORTS) {
    app.get(
      path,
      { onRequest: requireAdmin, schema: { response: { 401: errorBodySchema, 403: errorBodySchema } } },
      async (request, reply) => {
        const lines = records(store.list());
        request.log.info({ file, records: lines.length }, 'feedback export');
        return (
          reply
            .type('application/x-ndjson; charset=utf-8')
            .header('content-disposition', `attachment; filename="${file}"`)
            // Health workers' questions: no cache along the way or in the browser keeps a copy.
            .header('cache-control', 'no-store')
            .send(toJsonl(lines))
        );
      },
    );
  }
}
