/**
 * InferenceEngine over an embedded llama.cpp (node-llama-cpp): one model, one context whose sequences
 * serve that many requests at once; node-llama-cpp batches their evaluation together.
 */
import { basename } from 'node:path';
import {
  type ChatHistoryItem,
  getLlama,
  LlamaChat,
  LlamaCompletion,
  type LlamaContext,
  type LlamaContextSequence,
  resolveChatWrapper,
} from 'node-llama-cpp';
import type { PromptProfile } from '../../../src/core/prompt/prompt-target';
import type { ChatMessage, GenerationOptions, GenerationResult, InferenceEngine, ModelInfo } from './engine';

export interface LlamaEngineOptions {
  modelPath: string;
  /** Tokens per request (per sequence); default: as large as memory allows, up to the model's training context. */
  contextSize?: number;
  /** CPU threads for evaluation; default: the cores useful for math, less one for the server itself. */
  threads?: number;
  /** Requests served at once; more wait for a free sequence. Default 1. */
  parallel?: number;
  /** Default: 'chat' when the GGUF has a chat template, else 'completion' (a base model). */
  promptProfile?: PromptProfile;
  /** 'auto' uses a GPU when a prebuilt binary supports one (laptops with CUDA, Vulkan or Metal). Default false. */
  gpu?: 'auto' | false;
}

type StopReason = 'eogToken' | 'stopGenerationTrigger' | 'functionCalls' | 'maxTokens' | 'abort' | 'customStopTrigger';

/** Hands out the context's sequences one request at a time, first come first served. */
class SequencePool {
  private readonly free: LlamaContextSequence[];
  private readonly waiting: { resolve: (s: LlamaContextSequence) => void; reject: (e: Error) => void }[] = [];
  private closed = false;

  constructor(context: LlamaContext, size: number) {
    this.free = Array.from({ length: size }, () => context.getSequence());
  }

  /** Resolves to null when `signal` aborts first. */
  acquire(signal: AbortSignal | undefined): Promise<LlamaContextSequence | null> {
    if (this.closed) return Promise.reject(new Error('Inference engine is closed'));
    if (signal?.aborted) return Promise.resolve(null);
    const sequence = this.free.pop();
    if (sequence) return Promise.resolve(sequence);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (s: LlamaContextSequence) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(s);
        },
        reject,
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(null);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Wipes the sequence first, so no request sees another's tokens. */
  async release(sequence: LlamaContextSequence): Promise<void> {
    await sequence.clearHistory();
    const next = this.waiting.shift();
    if (next) next.resolve(sequence);
    else this.free.push(sequence);
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new Error('Inference engine is closed'));
  }
}

function toHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content },
  );
  // A trailing assistant message is continued; otherwise the model starts a new reply.
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

function finishReason(stopReason: StopReason): GenerationResult['finishReason'] {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'abort') return 'abort';
  return 'stop';
}

export async function createLlamaEngine(options: LlamaEngineOptions): Promise<InferenceEngine> {
  const parallel = options.parallel ?? 1;
  const llama = await getLlama({ gpu: options.gpu ?? false, build: 'never' });
  const model = await llama.loadModel({ modelPath: options.modelPath });
  const context = await model.createContext({
    sequences: parallel,
    contextSize: options.contextSize ?? 'auto',
    // llama.cpp's threads spin while they wait for each other, so any thread that shares a core with
    // them (node-llama-cpp's default of at least 4 on 2 cores, or Node's own event loop serving HTTP)
    // stalls every step: on a 2-core machine, 2 threads generate about 5 times slower than 1.
    threads: options.threads ?? Math.max(1, llama.cpuMathCores - 1),
  });
  // Resolved once from the GGUF's chat template (a specialised wrapper, a Jinja one, or a general fallback).
  const chatWrapper = resolveChatWrapper(model);
  const pool = new SequencePool(context, parallel);
  const id = basename(options.modelPath).replace(/\.gguf$/i, '');
  const promptProfile = options.promptProfile ?? (model.fileInfo.metadata.tokenizer?.chat_template ? 'chat' : 'completion');

  /** Runs `generate` on a free sequence and turns its outcome into a GenerationResult. */
  async function run(
    generation: GenerationOptions,
    generate: (sequence: LlamaContextSequence) => Promise<{ text: string; stopReason: StopReason }>,
  ): Promise<GenerationResult> {
    const sequence = await pool.acquire(generation.signal);
    if (!sequence) return { text: '', finishReason: 'abort', promptTokens: 0, completionTokens: 0 };
    const meterBefore = sequence.tokenMeter.getState();
    try {
      const { text, stopReason } = await generate(sequence);
      // node-llama-cpp meters every evaluated position that yields logits as output: one per generated token,
      // the first being the prompt's last token. The sequence starts empty, so the rest of the input is the prompt
      // (plus any re-evaluation after a context shift, once prompt and reply outgrow the context).
      const { usedInputTokens, usedOutputTokens } = sequence.tokenMeter.diff(meterBefore);
      return {
        text,
        finishReason: finishReason(stopReason),
        promptTokens: usedInputTokens + Math.min(usedOutputTokens, 1),
        completionTokens: usedOutputTokens,
      };
    } finally {
      await pool.release(sequence);
    }
  }

  /** Options common to chat and completion; unset maxTokens is the context size, so a model that never ends still stops. */
  function sampling(generation: GenerationOptions, sequence: LlamaContextSequence, onText: (text: string) => void) {
    return {
      maxTokens: generation.maxTokens ?? sequence.contextSize,
      temperature: generation.temperature,
      topP: generation.topP,
      seed: generation.seed,
      customStopTriggers: generation.stop?.filter((s) => s.length > 0),
      signal: generation.signal,
      stopOnAbortSignal: true,
      onTextChunk: (text: string) => {
        if (text.length > 0) onText(text);
      },
    };
  }

  return {
    kind: 'llama',

    async models(): Promise<ModelInfo[]> {
      return [{ id, ownedBy: 'local', contextLength: context.contextSize, promptProfile }];
    },

    chat(messages, generation, onText) {
      return run(generation, async (sequence) => {
        const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });
        try {
          const { response, metadata } = await chat.generateResponse(toHistory(messages), sampling(generation, sequence, onText));
          return { text: response, stopReason: metadata.stopReason };
        } finally {
          chat.dispose({ disposeSequence: false });
        }
      });
    },

    complete(prompt, generation, onText) {
      return run(generation, async (sequence) => {
        const completion = new LlamaCompletion({ contextSequence: sequence });
        try {
          const { response, metadata } = await completion.generateCompletionWithMeta(prompt, sampling(generation, sequence, onText));
          return { text: response, stopReason: metadata.stopReason };
        } finally {
          completion.dispose({ disposeSequence: false });
        }
      });
    },

    async close(): Promise<void> {
      pool.close();
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
