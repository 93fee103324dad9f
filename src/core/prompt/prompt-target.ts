/** 'chat' for instruction-tuned models (their chat template); 'completion' for base models such as Meditron-3. */
export type PromptProfile = 'chat' | 'completion';

export const PROMPT_PROFILES: readonly PromptProfile[] = ['chat', 'completion'];

/** What the app needs to know of the model that will answer, to build its prompt. */
export interface PromptTarget {
  profile: PromptProfile;
  /** The model's context window in tokens, when its server says. */
  contextTokens?: number;
}

const DEFAULT_CONTEXT_TOKENS = 2048;

/** Before the clinic server has told its model: an instruction-tuned model with a small context. */
export const DEFAULT_PROMPT_TARGET: PromptTarget = { profile: 'chat', contextTokens: DEFAULT_CONTEXT_TOKENS };

export interface PromptBudget {
  /** Tokens the prompt may take. */
  promptTokens: number;
  /** Tokens the answer may take. */
  answerTokens: number;
}

const MAX_ANSWER_TOKENS = 512;
/** Past this, more excerpts add little but waiting: a prompt is cut to it even when the model takes more. */
const MAX_PROMPT_TOKENS = 6144;
/** The tokenizer's count can exceed our estimate on odd text: a margin, so prompt and answer still fit. */
const MARGIN = 0.05;

/**
 * How a model's context is shared between prompt and answer: the answer gets a quarter, up to 512 tokens,
 * and the prompt what is left, less a margin. An unknown context is taken as a small one.
 */
export function promptBudget(contextTokens = DEFAULT_CONTEXT_TOKENS): PromptBudget {
  const answerTokens = Math.min(MAX_ANSWER_TOKENS, Math.floor(contextTokens / 4));
  const promptTokens = Math.min(MAX_PROMPT_TOKENS, Math.floor((contextTokens - answerTokens) * (1 - MARGIN)));
  return { promptTokens, answerTokens };
}
