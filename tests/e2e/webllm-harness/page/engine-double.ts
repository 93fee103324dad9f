// TEST DOUBLE of web-llm's engine. No model library for web-llm 0.2.86 can be had here (compiling one
// needs TVM/MLC), so web-llm cannot generate: this double stands in for MLCEngine behind web-llm's own
// WebWorkerMLCEngineHandler, in a real Web Worker, to test the worker protocol our runtime drives.
import {
  type AppConfig,
  Chat,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatCompletionRequestBase,
  type ChatCompletionRequestNonStreaming,
  type ChatCompletionRequestStreaming,
  type ChatOptions,
  type Completion,
  type CompletionCreateParams,
  type CompletionCreateParamsBase,
  type CompletionCreateParamsNonStreaming,
  type CompletionCreateParamsStreaming,
  Completions,
  type CreateEmbeddingResponse,
  Embeddings,
  type InitProgressCallback,
  type LogLevel,
  type MLCEngineInterface,
  type ResumeProbeResult,
  type ResumeResult,
} from '@mlc-ai/web-llm';
import type { DoubleEvent } from '../protocol';

/** What the double did, for the harness page to read (BroadcastChannel crosses from the worker). */
export const DOUBLE_CHANNEL = 'webllm-engine-double';

/** Between two streamed pieces, as a slow tablet GPU would take: long enough to stop mid-stream. */
const PIECE_DELAY_MS = 40;

const notUsed = (what: string) => new Error(`The engine double does not implement ${what}.`);

type FinishReason = 'stop' | 'length' | 'abort';

/**
 * Streams a reply derived from the request — "Reply to: <last words of the input>", one word a chunk —
 * honouring max_tokens (finish `length`), stop strings (finish `stop`) and interruptGenerate (finish `abort`).
 */
export class EngineDouble implements MLCEngineInterface {
  chat: Chat = new Chat(this);
  completions: Completions = new Completions(this);
  embeddings: Embeddings = new Embeddings(this);
  private progress?: InitProgressCallback;
  private interrupted = false;
  private readonly channel = new BroadcastChannel(DOUBLE_CHANNEL);

  private report(event: DoubleEvent): void {
    this.channel.postMessage(event);
  }

  setInitProgressCallback(callback: InitProgressCallback): void {
    this.progress = callback;
  }

  getInitProgressCallback(): InitProgressCallback | undefined {
    return this.progress;
  }

  setAppConfig(appConfig: AppConfig): void {
    this.report({ event: 'setAppConfig', appConfig });
  }

  async reload(modelId: string | string[], _chatOpts?: ChatOptions | ChatOptions[]): Promise<void> {
    this.report({ event: 'reload', modelId: [modelId].flat() });
    for (const progress of [0.25, 1, 0.5, 1]) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      this.progress?.({ progress, timeElapsed: 0, text: `double ${progress}` });
    }
  }

  chatCompletion(request: ChatCompletionRequestNonStreaming): Promise<ChatCompletion>;
  chatCompletion(request: ChatCompletionRequestStreaming): Promise<AsyncIterable<ChatCompletionChunk>>;
  chatCompletion(request: ChatCompletionRequestBase): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion>;
  chatCompletion(request: ChatCompletionRequest): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion>;
  async chatCompletion(request: ChatCompletionRequest): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion> {
    if (!request.stream) throw notUsed('non-streaming chat');
    this.report({ event: 'chatCompletion', request });
    const last = request.messages.at(-1)?.content;
    const pieces = this.stream(typeof last === 'string' ? last : '', request);
    return mapStream(pieces, ({ text, finish }) => ({
      id: 'double',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'double',
      choices: [{ index: 0, delta: text ? { content: text, role: 'assistant' } : {}, finish_reason: finish ?? null }],
    }));
  }

  completion(request: CompletionCreateParamsNonStreaming): Promise<Completion>;
  completion(request: CompletionCreateParamsStreaming): Promise<AsyncIterable<Completion>>;
  completion(request: CompletionCreateParamsBase): Promise<AsyncIterable<Completion> | Completion>;
  completion(request: CompletionCreateParams): Promise<AsyncIterable<Completion> | Completion>;
  async completion(request: CompletionCreateParams): Promise<AsyncIterable<Completion> | Completion> {
    if (!request.stream) throw notUsed('non-streaming completion');
    this.report({ event: 'completion', request });
    return mapStream(this.stream(request.prompt, request), ({ text, finish }) => ({
      id: 'double',
      object: 'text_completion',
      created: 0,
      model: 'double',
      choices: [{ index: 0, text, finish_reason: finish ?? null }],
    }));
  }

  private async *stream(input: string, request: { max_tokens?: number | null; stop?: string | string[] | null }) {
    this.interrupted = false;
    const words = `Reply to: ${input.trim().split(/\s+/).slice(-6).join(' ')}`.split(' ');
    const stops = [request.stop ?? []].flat();
    let yielded = 0;
    let text = '';
    let finish: FinishReason = 'stop';
    try {
      for (const word of words) {
        await new Promise((resolve) => setTimeout(resolve, PIECE_DELAY_MS));
        if (this.interrupted) {
          finish = 'abort';
          break;
        }
        if (request.max_tokens != null && yielded >= request.max_tokens) {
          finish = 'length';
          break;
        }
        const piece = yielded === 0 ? word : ` ${word}`;
        if (stops.some((stop) => `${text}${piece}`.includes(stop))) break;
        text += piece;
        yielded++;
        yield { text: piece };
      }
      yield { text: '', finish };
    } finally {
      // Also when the consumer closes the stream early, as web-llm's own generator ends then.
      this.report({ event: 'streamEnd', yielded, finish: this.interrupted ? 'abort' : finish });
    }
  }

  interruptGenerate(): void {
    this.interrupted = true;
    this.report({ event: 'interrupt' });
  }

  async unload(): Promise<void> {
    this.report({ event: 'unload' });
  }

  async resetChat(): Promise<void> {}

  setLogLevel(_logLevel: LogLevel): void {}

  embedding(): Promise<CreateEmbeddingResponse> {
    throw notUsed('embedding');
  }
  listResumableSessions(): Promise<ResumeProbeResult[]> {
    throw notUsed('listResumableSessions');
  }
  resumeChatCompletion(): Promise<ResumeResult | AsyncIterable<ChatCompletionChunk>> {
    throw notUsed('resumeChatCompletion');
  }
  deleteResumableSession(): Promise<void> {
    throw notUsed('deleteResumableSession');
  }
  runtimeStatsText(): Promise<string> {
    throw notUsed('runtimeStatsText');
  }
  getMessage(): Promise<string> {
    throw notUsed('getMessage');
  }
  getMaxStorageBufferBindingSize(): Promise<number> {
    throw notUsed('getMaxStorageBufferBindingSize');
  }
  getGPUVendor(): Promise<string> {
    throw notUsed('getGPUVendor');
  }
  forwardTokensAndSample(): Promise<number> {
    throw notUsed('forwardTokensAndSample');
  }
}

async function* mapStream<T, U>(source: AsyncIterable<T>, map: (item: T) => U): AsyncGenerator<U> {
  for await (const item of source) yield map(item);
}
