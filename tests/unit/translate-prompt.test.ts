import { describe, expect, it } from 'vitest';
import { translationOf, translationRequest } from '../../src/core/prompt/translate-prompt';

describe('asking a model for a question in English', () => {
  it('instructs a chat model, and gives a base model a pattern that ends at the line', () => {
    const chat = translationRequest('  Quels sont les symptômes\n du paludisme ? ', 'chat');
    expect(chat.messages?.at(-1)).toEqual({ role: 'user', content: 'Quels sont les symptômes du paludisme ?' });
    expect(chat).toMatchObject({ temperature: 0, maxTokens: 96 });
    const base = translationRequest('Dalili za homa ni zipi?', 'completion');
    expect(base.prompt?.endsWith('Question: Dalili za homa ni zipi?\nEnglish:')).toBe(true);
    expect(base.stop).toEqual(['\n']);
  });

  it("keeps the model's first line, and nothing too short to search with", () => {
    expect(translationOf(' What are the symptoms of malaria?\nQuestion: …')).toBe('What are the symptoms of malaria?');
    expect(translationOf('\n')).toBeUndefined();
    expect(translationOf('ok')).toBeUndefined();
  });
});
