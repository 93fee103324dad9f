import { type BuiltPrompt, buildPrompt, type PromptInput } from '../../core/prompt/build-prompt';
import { DEFAULT_PROMPT_TARGET, type PromptTarget, promptBudget } from '../../core/prompt/prompt-target';
import type { OutboxPrompt } from '../../db/library-db';
import type { AnswerRequest } from '../../engines/engine';

export interface AskPrompt {
  built: BuiltPrompt;
  /** What an engine is asked. */
  request: AnswerRequest;
  /** What the outbox keeps, to send as a job. */
  outbox: OutboxPrompt;
}

/**
 * The question's prompt for one model: its profile (chat template or completion), and its context shared
 * between the excerpts and the answer. An engine that cannot say gets the small default.
 */
export function askPrompt(target: PromptTarget | undefined, input: Omit<PromptInput, 'profile' | 'tokenBudget'>): AskPrompt {
  const { profile, contextTokens } = target ?? DEFAULT_PROMPT_TARGET;
  const { promptTokens, answerTokens } = promptBudget(contextTokens);
  const built = buildPrompt({ ...input, profile, tokenBudget: promptTokens });
  const text = built.profile === 'chat' ? { messages: built.messages } : { prompt: built.prompt, stop: built.stop };
  return { built, request: { ...text, maxTokens: answerTokens }, outbox: { ...text, sources: built.sources } };
}
