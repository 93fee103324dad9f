import type { NetworkFailure } from '../core/outbox/transition';
import type { ChatMessage } from '../core/prompt/build-prompt';
import type { PromptTarget } from '../core/prompt/prompt-target';

/** Where an answer comes from: a model on the tablet, the clinic server, or no model at all. */
export type EngineId = 'on-device' | 'clinic' | 'excerpts-only';

/** A built prompt (chat messages, or a completion prompt for base models) and how long the answer may be. */
export interface AnswerRequest {
  messages?: ChatMessage[];
  prompt?: string;
  stop?: string[];
  maxTokens: number;
  temperature?: number;
}

/**
 * `stop`: the answer ended; `length`: cut at `maxTokens`; `aborted`: the caller's signal stopped it and
 * `text` is what came before; `none`: the engine has no model and wrote nothing.
 */
export type FinishReason = 'stop' | 'length' | 'aborted' | 'none';

export interface AnswerResult {
  text: string;
  model: string;
  finishReason: FinishReason;
}

/** The one streaming interface the app answers through, whatever runs the model. */
export interface AnswerEngine {
  readonly id: EngineId;
  /** Whether it can answer now (a model loaded, the server enrolled and in reach, …). Never rejects. */
  available(): Promise<boolean>;
  /** How to prompt its model, as far as it knows; none for an engine without a model. Never rejects. */
  promptTarget?(): Promise<PromptTarget | undefined>;
  /**
   * Gets the model ready (loads it on the tablet), reporting progress; before the question is marked sent,
   * so an `unavailable` failure here lets the router try the next engine with nothing to undo.
   */
  prepare?(onProgress?: (progress: { fraction: number }) => void): Promise<void>;
  /** Whether `prepare` has nothing left to do (the model is loaded): a quick task may use it without a wait. */
  ready?(): boolean;
  /**
   * Streams the answer: `onText` gets each new piece as it arrives. Aborting `signal` resolves with what
   * came so far (`finishReason: 'aborted'`). A failure rejects with an {@link EngineError}.
   */
  answer(request: AnswerRequest, onText: (text: string) => void, signal?: AbortSignal): Promise<AnswerResult>;
}

/**
 * `network-failed`: worth trying again later, with the outbox's `network-failed` reason;
 * `unauthorized`: the device token was refused; `refused`: the server will not answer this request;
 * `unavailable`: this engine cannot run here (the tablet's model failed to load): try the next one.
 */
export type EngineErrorKind = 'network-failed' | 'unauthorized' | 'refused' | 'unavailable';

export class EngineError extends Error {
  readonly kind: EngineErrorKind;
  /** Set when `kind` is `network-failed`: what the outbox item's `network-failed` event carries. */
  readonly reason?: NetworkFailure;
  /** The server's error code, when it sent one. */
  readonly serverCode?: string;

  constructor(kind: EngineErrorKind, message: string, extra: { reason?: NetworkFailure; serverCode?: string; cause?: unknown } = {}) {
    super(message, { cause: extra.cause });
    this.name = 'EngineError';
    this.kind = kind;
    if (extra.reason) this.reason = extra.reason;
    if (extra.serverCode) this.serverCode = extra.serverCode;
  }
}

export function networkFailed(reason: NetworkFailure, message: string): EngineError {
  return new EngineError('network-failed', message, { reason });
}
