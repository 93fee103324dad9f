import type { ClinicConnection } from '../db/library-db';
import { type AnswerEngine, type AnswerResult, EngineError, type FinishReason, networkFailed } from './engine';

/** The part of `fetch` the engine uses. */
export type StreamFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; body: ReadableStream<Uint8Array> | null; json(): Promise<unknown> }>;

export interface ClinicEngineOptions {
  /** The enrolled clinic server, read at each use (the user may enroll or forget it at any time). */
  connection: () => Promise<ClinicConnection | undefined>;
  fetch?: StreamFetch;
  /** Whether the tablet has a network at all (`navigator.onLine` in the app). */
  online?: () => boolean;
  /** No response headers by then: `timeout` (default 30 s). */
  responseTimeoutMs?: number;
  /** No new bytes in the stream for this long: `timeout` (default 60 s). */
  stallTimeoutMs?: number;
}

interface StreamChunk {
  model?: string;
  choices?: { delta?: { content?: string | null }; text?: string | null; finish_reason?: string | null }[];
  error?: { code?: string; message?: string };
}

/**
 * Answers through the clinic server's OpenAI-compatible API (`/v1/chat/completions`, or `/v1/completions`
 * for a completion prompt), streamed as server-sent events with the device token. Network errors,
 * timeouts, 5xx and a stream that breaks off reject with a `network-failed` {@link EngineError}.
 */
export function createClinicEngine(options: ClinicEngineOptions): AnswerEngine {
  const doFetch = options.fetch ?? (globalThis.fetch as unknown as StreamFetch);
  const online = options.online ?? (() => (typeof navigator === 'undefined' ? true : navigator.onLine));
  const responseTimeoutMs = options.responseTimeoutMs ?? 30_000;
  const stallTimeoutMs = options.stallTimeoutMs ?? 60_000;

  return {
    id: 'clinic',
    async available() {
      try {
        return online() && (await options.connection()) !== undefined;
      } catch {
        return false;
      }
    },
    async promptTarget() {
      // As the server last said at a sync: asking now would hold up a question that must be saved first.
      const model = (await options.connection().catch(() => undefined))?.model;
      return model && { profile: model.profile, contextTokens: model.contextTokens };
    },
    async answer(request, onText, signal) {
      const connection = await options.connection();
      if (!connection) throw new EngineError('unauthorized', 'This tablet is not enrolled with a clinic server.');
      const chat = request.prompt === undefined;
      const body = {
        ...(chat ? { messages: request.messages ?? [] } : { prompt: request.prompt }),
        max_tokens: request.maxTokens,
        ...(request.stop?.length ? { stop: request.stop.slice(0, 4) } : {}),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        stream: true,
      };

      const controller = new AbortController();
      let timedOut = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arm = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, ms);
      };
      const onAbort = () => controller.abort();
      if (signal?.aborted) return { text: '', model: '', finishReason: 'aborted' };
      signal?.addEventListener('abort', onAbort, { once: true });

      let text = '';
      let model = '';
      let finish: FinishReason | undefined;
      const fail = (error: unknown): never | AnswerResult => {
        if (signal?.aborted) return { text, model, finishReason: 'aborted' };
        if (error instanceof EngineError) throw error;
        if (timedOut) throw networkFailed('timeout', 'The clinic server stopped answering.');
        throw networkFailed(text ? 'stream-broken' : 'offline', error instanceof Error ? error.message : String(error));
      };

      try {
        arm(responseTimeoutMs);
        const path = chat ? '/v1/chat/completions' : '/v1/completions';
        const response = await doFetch(new URL(path, connection.origin).href, {
          method: 'POST',
          headers: { authorization: `Bearer ${connection.token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify(body),
          signal: controller.signal,
        });
        if (response.status !== 200) await refuse(response);
        if (!response.body) throw networkFailed('stream-broken', 'The clinic server sent no stream.');

        const reader = response.body.getReader();
        // A stop or a stall ends a pending read too, whatever the stream is tied to.
        controller.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
        const decoder = new TextDecoder();
        let buffer = '';
        let done = false;
        arm(stallTimeoutMs);
        while (!done) {
          const read = await reader.read();
          if (read.done) break;
          arm(stallTimeoutMs);
          buffer += decoder.decode(read.value, { stream: true });
          const lines = buffer.split(/\r?\n/);
          buffer = lines.pop() ?? '';
          for (const line of lines) {
            const event = parseSseLine(line);
            if (event === undefined) continue;
            if (event === 'done') {
              done = true;
              break;
            }
            if (event.error) {
              throw networkFailed('stream-broken', event.error.message ?? event.error.code ?? 'The answer broke off.');
            }
            if (event.model) model = event.model;
            const choice = event.choices?.[0];
            const piece = choice?.delta?.content ?? choice?.text ?? '';
            if (piece) {
              text += piece;
              onText(piece);
            }
            if (choice?.finish_reason) finish = choice.finish_reason === 'length' ? 'length' : 'stop';
          }
        }
        if (!done) {
          await reader.cancel().catch(() => undefined);
          if (signal?.aborted) return { text, model, finishReason: 'aborted' };
          if (timedOut) throw networkFailed('timeout', 'The clinic server stopped answering.');
          throw networkFailed('stream-broken', 'The answer broke off before its end.');
        }
        await reader.cancel().catch(() => undefined);
        return { text, model, finishReason: finish ?? 'stop' };
      } catch (error) {
        return fail(error);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** One line of a server-sent event stream: a JSON `data:` payload, 'done' for `[DONE]`, or undefined for anything else. */
export function parseSseLine(line: string): StreamChunk | 'done' | undefined {
  if (!line.startsWith('data:')) return undefined;
  const data = line.slice(5).trim();
  if (data === '[DONE]') return 'done';
  if (!data) return undefined;
  try {
    return JSON.parse(data) as StreamChunk;
  } catch {
    throw networkFailed('stream-broken', 'The clinic server sent an unreadable event.');
  }
}

async function refuse(response: { status: number; json(): Promise<unknown> }): Promise<never> {
  const { status } = response;
  const json = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  const message = json.error?.message ?? `The clinic server answered HTTP ${status}.`;
  if (status >= 500 || status < 400) throw networkFailed('http-5xx', message);
  if (status === 401) throw new EngineError('unauthorized', message, json.error?.code ? { serverCode: json.error.code } : {});
  throw new EngineError('refused', message, json.error?.code ? { serverCode: json.error.code } : {});
}
