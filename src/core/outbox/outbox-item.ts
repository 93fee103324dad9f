export type OutboxState = 'queued' | 'sending' | 'answering' | 'answered' | 'failed' | 'cancelled';

export interface OutboxError {
  /** An app error code, or the server's (`inference/timeout`, …). */
  code: string;
  message: string;
}

/**
 * A question on its way to an answer. It is written to the tablet before anything is sent and only
 * ever leaves the outbox when the user deletes it, so a question is never lost to a crash or a
 * dropped connection.
 */
export interface OutboxItem {
  /** Made on the tablet: the question's identity for good. */
  id: string;
  /**
   * Idempotency key of the clinic-server job (a UUID): the id at first, a fresh one when the user
   * retries after the server ended the job, since the server keeps a failed or cancelled job as it is.
   */
  jobId: string;
  question: string;
  /** Epoch milliseconds, as are all times here. */
  createdAt: number;
  state: OutboxState;
  /** Sends so far: the backoff after a failure grows with it. */
  attempts: number;
  /** Queued: when to send. Sending or answering: when to stop waiting for progress and send again. */
  nextAttemptAt: number;
  /** What a stream delivered before it stopped. */
  partialAnswer?: string;
  /** The partial answer's stream broke; it is shown as incomplete until the answer arrives. */
  incomplete?: boolean;
  answer?: string;
  model?: string;
  /** What the last send went through (the clinic server, a model on the tablet, …), as the app names it. */
  engine?: string;
  /** Why the item failed. */
  error?: OutboxError;
  /** The `seq` of the latest job state received from the server: older ones are stale. */
  serverSeq?: number;
}

export function createOutboxItem({ id, question, now }: { id: string; question: string; now: number }): OutboxItem {
  return { id, jobId: id, question, createdAt: now, state: 'queued', attempts: 0, nextAttemptAt: now };
}

/** Queued items whose time has come, oldest question first. */
export function dueForSend<T extends OutboxItem>(items: readonly T[], now: number): T[] {
  return items
    .filter((item) => item.state === 'queued' && item.nextAttemptAt <= now)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
