import { describe, expect, it } from 'vitest';
import type { PromptExcerpt } from '../../src/core/prompt/build-prompt';
import { promptBudget } from '../../src/core/prompt/prompt-target';
import { estimateTokens } from '../../src/core/prompt/tokens';
import { askPrompt } from '../../src/features/ask/ask-prompt';

/** Ten excerpts of about 300 tokens each: more than a small context holds. */
const EXCERPTS: PromptExcerpt[] = Array.from({ length: 10 }, (_, i) => ({
  id: `ex-${i}`,
  docTitle: `Document ${i}`,
  section: 'Management',
  source: 'WHO',
  text: `Step ${i}: give oral rehydration salts after each loose stool and keep breastfeeding. `.repeat(12),
}));
const INPUT = { question: 'How do I treat diarrhoea in a child of two?', excerpts: EXCERPTS, language: 'en' };

describe('prompt budget', () => {
  it('gives the answer a quarter of the context, up to 512 tokens, and the prompt the rest less a margin', () => {
    expect(promptBudget(1024)).toEqual({ answerTokens: 256, promptTokens: 729 });
    expect(promptBudget(4096)).toEqual({ answerTokens: 512, promptTokens: 3404 });
    for (const context of [512, 2048, 8192, 131_072]) {
      const { answerTokens, promptTokens } = promptBudget(context);
      expect(answerTokens + promptTokens).toBeLessThanOrEqual(context);
      expect(promptTokens).toBeGreaterThan(answerTokens);
    }
  });

  it('takes an unknown context as 2048 tokens, and caps the prompt of a very long one', () => {
    expect(promptBudget()).toEqual(promptBudget(2048));
    expect(promptBudget(131_072).promptTokens).toBe(6144);
  });
});

describe('the ask prompt for a model', () => {
  it('is a chat prompt for an instruction-tuned model, and a completion prompt with stops for a base model', () => {
    const chat = askPrompt({ profile: 'chat', contextTokens: 4096 }, INPUT);
    expect(chat.request).toEqual({ messages: chat.outbox.messages, maxTokens: 512 });
    expect(chat.outbox.prompt).toBeUndefined();

    const completion = askPrompt({ profile: 'completion', contextTokens: 4096 }, INPUT);
    expect(completion.built.profile).toBe('completion');
    expect(completion.request).toMatchObject({ prompt: expect.stringContaining(INPUT.question), stop: expect.any(Array), maxTokens: 512 });
    expect(completion.outbox).toMatchObject({ prompt: completion.request.prompt, stop: completion.request.stop });
    expect(completion.outbox.messages).toBeUndefined();
    expect(completion.outbox.sources).toEqual(completion.built.sources);
  });

  it('fits more excerpts into a larger context, and always fits the context it was built for', () => {
    const sourcesFor = (contextTokens: number) => askPrompt({ profile: 'chat', contextTokens }, INPUT).built.sources.length;
    expect(sourcesFor(1024)).toBeLessThan(sourcesFor(2048));
    expect(sourcesFor(2048)).toBeLessThan(sourcesFor(4096));
    for (const contextTokens of [1024, 2048, 4096]) {
      const { request } = askPrompt({ profile: 'chat', contextTokens }, INPUT);
      const promptTokens = request.messages!.reduce((sum, m) => sum + estimateTokens(m.content), 0);
      expect(promptTokens + request.maxTokens).toBeLessThanOrEqual(contextTokens);
    }
  });

  it('falls back to a small chat model when the engine cannot say', () => {
    expect(askPrompt(undefined, INPUT).request).toEqual(askPrompt({ profile: 'chat', contextTokens: 2048 }, INPUT).request);
  });
});
