import type { AnswerRequest, FinishReason } from '../engines/engine';
import type { OnDeviceRuntime } from '../models/on-device-runtime';

export interface AnswerTiming {
  text: string;
  finishReason: FinishReason;
  /** From the request to the first piece of text: the prompt's prefill, mostly. */
  timeToFirstTokenMs?: number;
  /** Pieces of text streamed: web-llm sends one a decoded token (none for a token that ends mid-character). */
  pieces: number;
  /** Decode speed: pieces after the first, over the time since the first. */
  tokensPerS?: number;
  totalMs: number;
}

/** Answers `request` with the loaded runtime and times it as a health worker would feel it. */
export async function timeAnswer(
  runtime: Pick<OnDeviceRuntime, 'answer'>,
  request: AnswerRequest,
  onText: (text: string) => void = () => undefined,
  now: () => number = () => performance.now(),
): Promise<AnswerTiming> {
  const start = now();
  let first: number | undefined;
  let last = start;
  let pieces = 0;
  const result = await runtime.answer(request, (text) => {
    last = now();
    first ??= last;
    pieces++;
    onText(text);
  });
  const totalMs = now() - start;
  const decodeMs = first === undefined ? 0 : last - first;
  return {
    text: result.text,
    finishReason: result.finishReason,
    ...(first === undefined ? {} : { timeToFirstTokenMs: first - start }),
    pieces,
    ...(pieces > 1 && decodeMs > 0 ? { tokensPerS: (pieces - 1) / (decodeMs / 1000) } : {}),
    totalMs,
  };
}
