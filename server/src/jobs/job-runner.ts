import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { ServerError } from '../errors';
import type { GenerationResult, InferenceEngine } from '../inference/engine';
import type { JobStore, RunnableJob } from './job-store';

/** Runs of one job before it is marked failed; a job that kills the server every time stops at this too. */
export const MAX_ATTEMPTS = 3;
// Nobody watches a background answer: bound it even if the app sent no limit.
const DEFAULT_MAX_TOKENS = 1024;
const MAX_BACKOFF_MS = 60_000;

export interface JobRunnerOptions {
  store: JobStore;
  /** Null: jobs wait, queued, for a server started with a model. */
  engine: InferenceEngine | null;
  /** Jobs answered at once; they share the engine's slots with live requests. */
  parallel: number;
  log: FastifyBaseLogger;
}

interface InFlight {
  controller: AbortController;
  finished: Promise<void>;
}

/**
 * Answers queued question jobs in the background, oldest first. A job is claimed (running) before it is
 * generated and done only from running, so whatever stops the server, a job is answered again from scratch
 * on the next start and its answer stored once.
 */
export class JobRunner {
  private readonly inFlight = new Map<string, InFlight>();
  /** Jobs that failed and wait before their next attempt: id → time they may run. */
  private readonly backoff = new Map<string, number>();
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  private modelId: string | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: JobRunnerOptions) {}

  start(): void {
    this.stopped = false;
    this.recover();
    // Jobs come from /api/jobs and from sync pushes alike: the store says when one is queued or stopped.
    this.unsubscribe = this.options.store.onSignal((signal, id) => (signal === 'queued' ? this.wake() : this.cancel(id)));
    this.wake();
  }

  /** Aborts the answers in progress and puts their jobs back in the queue, not counting the attempt. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const { controller } of this.inFlight.values()) controller.abort();
    await Promise.all([...this.inFlight.values()].map((job) => job.finished));
  }

  /** Stops generating a job that was just cancelled. */
  cancel(id: string): void {
    this.inFlight.get(id)?.controller.abort();
  }

  /** Starts queued jobs while slots are free; called when a job is posted and when one finishes. */
  wake(): void {
    const { store, engine, parallel } = this.options;
    if (this.stopped || !engine) return;
    const now = Date.now();
    const skip = new Set(this.inFlight.keys());
    // A wait that is over is forgotten: the job is an ordinary queued one again (or was cancelled meanwhile).
    for (const [id, at] of this.backoff) {
      if (at > now) skip.add(id);
      else this.backoff.delete(id);
    }
    for (const job of store.queued(parallel - this.inFlight.size, skip)) {
      if (!store.markRunning(job.id)) continue;
      const controller = new AbortController();
      const finished = this.answer(engine, { ...job, attempts: job.attempts + 1 }, controller.signal)
        .catch((error: unknown) => this.options.log.error({ err: error, job: job.id }, 'job bookkeeping failed'))
        .finally(() => {
          this.inFlight.delete(job.id);
          this.wake();
        });
      this.inFlight.set(job.id, { controller, finished });
    }
    this.scheduleRetry();
  }

  /** Jobs a killed server left running go back to the queue, unless they have had all their attempts. */
  private recover(): void {
    const { store, log } = this.options;
    const interrupted = store.running();
    for (const { id, attempts } of interrupted) {
      if (attempts < MAX_ATTEMPTS) store.requeue(id);
      else store.markFailed(id, { code: 'internal', message: 'The server stopped while answering this question, each time it tried.' });
    }
    if (interrupted.length > 0) log.warn({ jobs: interrupted.length }, 'jobs interrupted by a server stop are queued again');
  }

  private scheduleRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.stopped || this.backoff.size === 0) return;
    const next = Math.min(...this.backoff.values());
    this.retryTimer = setTimeout(() => this.wake(), Math.max(0, next - Date.now()));
    this.retryTimer.unref();
  }

  private async answer(engine: InferenceEngine, job: RunnableJob, signal: AbortSignal): Promise<void> {
    const { store, log } = this.options;
    try {
      this.modelId ??= (await engine.models())[0]?.id ?? 'unknown';
      const result = await this.generate(engine, job, signal);
      if (signal.aborted) {
        if (this.stopped) store.release(job.id);
        return;
      }
      // Cut off by the time limit: an answer that stops mid-sentence is not stored as done.
      if (result.finishReason === 'abort') throw new ServerError('inference/timeout', 'The model took too long to answer.');
      store.markDone(job.id, result.text, this.modelId);
      log.info({ job: job.id, attempts: job.attempts }, 'job answered');
    } catch (error) {
      if (signal.aborted) {
        if (this.stopped) store.release(job.id);
        return;
      }
      const { code, message } =
        error instanceof ServerError ? error : { code: 'internal', message: 'The model failed to answer this question.' };
      if (!(error instanceof ServerError)) log.error({ err: error, job: job.id }, 'job generation failed');
      if (job.attempts >= MAX_ATTEMPTS) {
        store.markFailed(job.id, { code, message });
        log.warn({ job: job.id, code }, 'job failed');
      } else if (store.requeue(job.id)) {
        this.backoff.set(job.id, Date.now() + Math.min(MAX_BACKOFF_MS, 2000 * 2 ** (job.attempts - 1)));
      }
    }
  }

  /** Generates with the prompt the app built, else the question alone; waits out a full engine queue. */
  private async generate(engine: InferenceEngine, job: RunnableJob, signal: AbortSignal): Promise<GenerationResult> {
    const { request } = job;
    const options = {
      maxTokens: request.options?.maxTokens ?? DEFAULT_MAX_TOKENS,
      temperature: request.options?.temperature,
      stop: request.options?.stop,
      signal,
    };
    const ignore = () => {};
    for (;;) {
      try {
        if (request.messages) return await engine.chat(request.messages, options, ignore);
        if (request.prompt !== undefined) return await engine.complete(request.prompt, options, ignore);
        return await engine.chat([{ role: 'user', content: request.question }], options, ignore);
      } catch (error) {
        if (!(error instanceof ServerError && error.code === 'inference/busy')) throw error;
        await sleep(Number(error.details?.retryAfterS ?? 1) * 1000, undefined, { signal });
      }
    }
  }
}
