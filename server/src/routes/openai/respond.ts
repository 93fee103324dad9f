import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServerError } from '../../errors';
import type { GenerationOptions, GenerationResult } from '../../inference/engine';
import { sseEvent } from '../../inference/sse';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** How one endpoint shapes its answer: whole (non-streaming) or as chunks. */
export interface ResponseFormat {
  /** The object sent without streaming. */
  whole(text: string, finishReason: string, usage: Usage): object;
  /** The chunk that opens a stream, if the endpoint has one (chat announces the assistant role). */
  opening?(): object;
  piece(text: string): object;
  closing(finishReason: string): object;
  usage(usage: Usage): object;
}

export type Generate = (options: GenerationOptions, onText: (text: string) => void) => Promise<GenerationResult>;

// OpenAI clients know no 'abort': an answer cut short (by the time limit) reads as one that hit its length.
const finishReasonOf = (result: GenerationResult) => (result.finishReason === 'abort' ? 'length' : result.finishReason);

const usageOf = (result: GenerationResult): Usage => ({
  prompt_tokens: result.promptTokens,
  completion_tokens: result.completionTokens,
  total_tokens: result.promptTokens + result.completionTokens,
});

/**
 * Runs one generation for an OpenAI-style request, whole or streamed as server-sent events. A client that
 * goes away aborts the generation, so a closed tab frees its slot instead of generating for nobody.
 */
export async function respond(
  request: FastifyRequest,
  reply: FastifyReply,
  generate: Generate,
  options: GenerationOptions,
  stream: { enabled: boolean; includeUsage: boolean },
  format: ResponseFormat,
): Promise<object | undefined> {
  const client = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) client.abort();
  });
  if (!stream.enabled) {
    const result = await generate({ ...options, signal: client.signal }, () => {});
    return format.whole(result.text, finishReasonOf(result), usageOf(result));
  }

  let open = false;
  const before: string[] = [];
  const write = (value: unknown) => reply.raw.write(sseEvent(value));
  const outcome = generate({ ...options, signal: client.signal }, (text) => (open ? write(format.piece(text)) : before.push(text))).then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  // A request refused at once (queue full) still gets a JSON error with its status: this turn of the event
  // loop lets such a refusal arrive before the stream's 200 is committed.
  const early = await Promise.race([outcome, new Promise<null>((resolve) => setImmediate(() => resolve(null)))]);
  if (early && 'error' in early) throw early.error;

  reply.hijack();
  reply.raw.writeHead(200, {
    // Headers already on the reply. onSend hooks (the security headers) do not run for a hijacked reply;
    // an event stream read by fetch needs none of them.
    ...(reply.getHeaders() as OutgoingHttpHeaders),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    // Proxies such as nginx would otherwise hold tokens back.
    'x-accel-buffering': 'no',
  });
  reply.raw.flushHeaders();
  open = true;
  if (format.opening) write(format.opening());
  for (const text of before) write(format.piece(text));

  const settled = await outcome;
  if (client.signal.aborted) return undefined;
  if ('error' in settled) {
    const error = settled.error;
    if (!(error instanceof ServerError)) request.log.error({ err: error }, 'generation failed while streaming');
    const body =
      error instanceof ServerError
        ? { code: error.code, message: error.message, details: error.details }
        : { code: 'internal', message: 'Internal server error.' };
    write({ error: body });
  } else {
    write(format.closing(finishReasonOf(settled.result)));
    if (stream.includeUsage) write(format.usage(usageOf(settled.result)));
    reply.raw.write(sseEvent('[DONE]'));
  }
  reply.raw.end();
  return undefined;
}
