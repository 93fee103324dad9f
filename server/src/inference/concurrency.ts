import { ServerError } from '../errors';
import type { GenerationOptions, GenerationResult, InferenceEngine } from './engine';

export interface ConcurrencyLimits {
  /** Generations at once: more only slow every answer down on a laptop. */
  parallel: number;
  /** Requests allowed to wait for a free slot; beyond, the server says it is busy. */
  queueLimit: number;
  /** Longest one generation may take, from the moment it gets its slot. */
  timeoutMs: number;
}

/** Seconds a client is told to wait before asking again when the queue is full. */
const RETRY_AFTER_S = 10;

const ABORTED: GenerationResult = { text: '', finishReason: 'abort', promptTokens: 0, completionTokens: 0 };

/**
 * Wraps an engine so that at most `parallel` generations run at once and the rest wait in order (FIFO),
 * whoever asks (API clients, question jobs). A waiting request whose client goes away leaves the queue.
 */
export function limitConcurrency(engine: InferenceEngine, limits: ConcurrencyLimits): InferenceEngine {
  let running = 0;
  const waiting: (() => void)[] = [];

  /** Resolves true once a slot is held, false if the caller gave up while waiting. */
  function acquire(signal: AbortSignal | undefined): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (running < limits.parallel) {
      running += 1;
      return Promise.resolve(true);
    }
    if (waiting.length >= limits.queueLimit) {
      throw new ServerError('inference/busy', 'The server is answering as many questions as it can. Try again shortly.', {
        retryAfterS: RETRY_AFTER_S,
      });
    }
    return new Promise((resolve) => {
      const onAbort = () => {
        waiting.splice(waiting.indexOf(grant), 1);
        resolve(false);
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        running += 1;
        resolve(true);
      };
      waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  function release(): void {
    running -= 1;
    waiting.shift()?.();
  }

  async function run(options: GenerationOptions, generate: (options: GenerationOptions) => Promise<GenerationResult>) {
    if (!(await acquire(options.signal))) return ABORTED;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), limits.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
    const timedOut = () =>
      new ServerError('inference/timeout', 'The model took too long to answer.', { timeoutS: Math.round(limits.timeoutMs / 1000) });
    try {
      const result = await generate({ ...options, signal });
      // Cut off after some text: the caller gets what was made; cut off before any: an error says why.
      if (deadline.signal.aborted && result.finishReason === 'abort' && result.text === '') throw timedOut();
      return result;
    } catch (error) {
      if (deadline.signal.aborted && !(error instanceof ServerError)) throw timedOut();
      throw error;
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  return {
    kind: engine.kind,
    models: () => engine.models(),
    chat: (messages, options, onText) => run(options, (o) => engine.chat(messages, o, onText)),
    complete: (prompt, options, onText) => run(options, (o) => engine.complete(prompt, o, onText)),
    close: () => engine.close(),
  };
}
