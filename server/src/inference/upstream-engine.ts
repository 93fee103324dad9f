import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { PromptProfile } from '../../../src/core/prompt/prompt-target';
import { ServerError } from '../errors';
import type { ChatMessage, GenerationOptions, GenerationResult, InferenceEngine, ModelInfo } from './engine';
import { sseData } from './sse';

export interface UpstreamEngineOptions {
  /** The upstream's address, with or without the trailing `/v1`. */
  baseUrl: string;
  apiKey?: string;
  /** Longest silence allowed on the upstream connection. */
  timeoutMs: number;
  /** PEM of a CA to trust besides the system's: another clinic server's local CA, for one. */
  ca?: string;
  /** Default: what the upstream says (another clinic server does), else 'chat'. */
  promptProfile?: PromptProfile;
}

interface UpstreamChoice {
  delta?: { content?: string | null };
  text?: string | null;
  finish_reason?: string | null;
}

interface UpstreamChunk {
  choices?: UpstreamChoice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string };
}

// An upstream's error text can be long; a line of it is enough to diagnose.
const MAX_UPSTREAM_MESSAGE = 300;

function upstreamFailed(message: string, status: number | null, upstreamMessage?: string): ServerError {
  return new ServerError('inference/upstream-failed', message, {
    status,
    ...(upstreamMessage ? { upstreamMessage: upstreamMessage.slice(0, MAX_UPSTREAM_MESSAGE) } : {}),
  });
}

async function readText(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response) text += chunk;
  return text;
}

function errorMessageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    return (typeof parsed.error === 'string' ? parsed.error : parsed.error?.message) ?? parsed.message ?? body;
  } catch {
    return body;
  }
}

/**
 * Answers with any OpenAI-compatible server (vLLM, Ollama's /v1, llama.cpp-server, TGI): a clinic with a
 * GPU box on its network serves a bigger model than the laptop could run. Always streams from the upstream,
 * so tokens reach the tablet as soon as they are made.
 */
export function createUpstreamEngine(options: UpstreamEngineOptions): InferenceEngine {
  const root = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  const secure = root.startsWith('https:');
  // Keep-alive: one TLS handshake per connection, not per question.
  const agent = secure ? new https.Agent({ keepAlive: true, ca: options.ca }) : new http.Agent({ keepAlive: true });
  let servedModel: Promise<string> | null = null;

  function send(path: string, body: object | undefined, signal?: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const payload = body && JSON.stringify(body);
      const request = (secure ? https : http).request(
        `${root}/v1/${path}`,
        {
          method: payload ? 'POST' : 'GET',
          agent,
          signal,
          timeout: options.timeoutMs,
          headers: {
            accept: payload ? 'text/event-stream' : 'application/json',
            ...(payload ? { 'content-type': 'application/json' } : {}),
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(response);
          readText(response).then(
            (text) => reject(upstreamFailed(`The upstream model server answered ${status}.`, status, errorMessageOf(text))),
            reject,
          );
        },
      );
      request.on('timeout', () => request.destroy(new Error('no answer in time')));
      request.on('error', (error) =>
        reject(signal?.aborted ? error : upstreamFailed('The upstream model server cannot be reached.', null, error.message)),
      );
      request.end(payload);
    });
  }

  async function models(): Promise<ModelInfo[]> {
    const text = await readText(await send('models', undefined));
    let body: {
      data?: { id: string; owned_by?: string; max_model_len?: number; context_length?: number; prompt_profile?: PromptProfile }[];
    };
    try {
      body = JSON.parse(text);
    } catch {
      throw upstreamFailed('The upstream model server is not OpenAI-compatible: its model list is not JSON.', 200);
    }
    return (body.data ?? []).map((m) => ({
      id: m.id,
      ownedBy: m.owned_by ?? 'upstream',
      // vLLM says max_model_len; others say context_length or nothing.
      contextLength: m.max_model_len ?? m.context_length,
      promptProfile: options.promptProfile ?? (m.prompt_profile === 'completion' ? 'completion' : 'chat'),
    }));
  }

  /** The upstream's first model, asked once; a failed ask is retried next time (the upstream may come up later). */
  function model(): Promise<string> {
    servedModel ??= models().then((list) => {
      if (!list[0]) throw upstreamFailed('The upstream model server lists no model.', null);
      return list[0].id;
    });
    servedModel.catch(() => {
      servedModel = null;
    });
    return servedModel;
  }

  async function generate(
    path: 'chat/completions' | 'completions',
    input: { messages: ChatMessage[] } | { prompt: string },
    pieceOf: (choice: UpstreamChoice) => string | null | undefined,
    generation: GenerationOptions,
    onText: (text: string) => void,
  ): Promise<GenerationResult> {
    const { signal } = generation;
    let text = '';
    let chunks = 0;
    let finishReason: GenerationResult['finishReason'] = 'stop';
    let usage: UpstreamChunk['usage'] = null;
    try {
      const response = await send(
        path,
        {
          model: await model(),
          ...input,
          max_tokens: generation.maxTokens,
          temperature: generation.temperature,
          top_p: generation.topP,
          stop: generation.stop,
          seed: generation.seed,
          stream: true,
          stream_options: { include_usage: true },
        },
        signal,
      );
      for await (const data of sseData(response)) {
        // Read on to the end after [DONE], so the connection goes back to the keep-alive pool.
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data) as UpstreamChunk;
        if (chunk.error) throw upstreamFailed('The upstream model server failed while answering.', 200, chunk.error.message);
        const choice = chunk.choices?.[0];
        const piece = choice && pieceOf(choice);
        if (piece) {
          text += piece;
          chunks += 1;
          onText(piece);
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason === 'length' ? 'length' : 'stop';
        if (chunk.usage) usage = chunk.usage;
      }
    } catch (error) {
      if (signal?.aborted) return { text, finishReason: 'abort', promptTokens: usage?.prompt_tokens ?? 0, completionTokens: chunks };
      if (error instanceof ServerError) throw error;
      throw upstreamFailed('The upstream model server broke off its answer.', null, (error as Error).message);
    }
    // Servers that ignore include_usage: one streamed chunk is about one token.
    return {
      text,
      finishReason,
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? chunks,
    };
  }

  return {
    kind: 'upstream',
    models,
    chat: (messages, generation, onText) =>
      generate('chat/completions', { messages }, (choice) => choice.delta?.content, generation, onText),
    complete: (prompt, generation, onText) => generate('completions', { prompt }, (choice) => choice.text, generation, onText),
    close: async () => agent.destroy(),
  };
}
