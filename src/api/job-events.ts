import type { OutboxEvent } from '../core/outbox/transition';
import type { ServerJob } from '../core/sync/sync-protocol';

const CANCELLED = { code: 'job/cancelled', message: 'The job was cancelled on the clinic server.' };

/** What a job state means for its question: the same whether it came back from a push or a pull. */
export function jobEvent(job: ServerJob): OutboxEvent {
  const { id: jobId, seq } = job;
  switch (job.status) {
    case 'queued':
    case 'running':
      return { type: 'accepted-by-server', jobId, seq };
    case 'done':
      return { type: 'server-answered', jobId, answer: job.answer ?? '', model: job.model ?? '', seq };
    case 'failed':
      return { type: 'server-failed', jobId, error: job.error ?? { code: 'unknown', message: 'The job failed.' }, seq };
    case 'cancelled':
      return { type: 'server-failed', jobId, error: job.error ?? CANCELLED, seq };
  }
}
