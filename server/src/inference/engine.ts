import type { PromptProfile } from '../../../src/core/prompt/prompt-target';
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerationOptions {
  maxTokens?: number;
  /** Unset: the engine's default (llama.cpp: 0, greedy). */
  temperature?: number;
  topP?: number;
  stop?: string[];
  /** Same seed and options, same text (with temperature > 0; greedy output is reproducible anyway). */
  seed?: number;
  /** Aborting ends generation early with finishReason 'abort' and the text so far; it never throws. */
  signal?: AbortSignal;
}

export interface GenerationResult {
  text: string;
  finishReason: 'stop' | 'length' | 'abort';
  promptTokens: number;
  completionTokens: number;
}

export interface ModelInfo {
  id: string;
  ownedBy: string;
  contextLength?: number;
  /** How the app should prompt it: through its chat template, or as a base model. */
  promptProfile: PromptProfile;
}

/** One streaming interface over embedded llama.cpp and upstream OpenAI-compatible servers. */
export interface InferenceEngine {
  readonly kind: 'llama' | 'upstream';
  models(): Promise<ModelInfo[]>;
  chat(messages: ChatMessage[], options: GenerationOptions, onText: (text: string) => void): Promise<GenerationResult>;
  complete(prompt: string, options: GenerationOptions, onText: (text: string) => void): Promise<GenerationResult>;
  close(): Promise<void>;
}
