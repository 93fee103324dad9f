import type { CatalogModel } from '../core/models/catalog';
import type { Excerpt } from '../core/pack/pack-schema';
import { buildPrompt } from '../core/prompt/build-prompt';
import { promptBudget } from '../core/prompt/prompt-target';
import type { AnswerRequest } from '../engines/engine';

const QUESTION = 'How should dehydration be treated in a child with diarrhoea?';
const TOPIC = /dehydrat|diarrh|oral rehydration/i;
/** The demo pack the service worker precaches with the app. */
const DEMO_PACK_URL = '/packs/demo.pack.jsonl';

/**
 * The prompt the app would send for a real question: the demo pack's excerpts on the topic, numbered as
 * sources and cut to the model's context as the ask screen cuts them, so the time to first token is
 * that of a full prompt, not of a one-line one.
 */
export async function samplePrompt(model: CatalogModel): Promise<AnswerRequest> {
  const response = await fetch(DEMO_PACK_URL);
  if (!response.ok) throw new Error(`GET ${DEMO_PACK_URL}: HTTP ${response.status}`);
  const excerpts = (await response.text())
    .split('\n')
    .slice(1)
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Excerpt)
    .filter((e) => TOPIC.test(e.text));
  const { contextTokens, promptProfile } = model.requirements;
  const budget = promptBudget(contextTokens);
  const prompt = buildPrompt({ question: QUESTION, excerpts, language: 'en', profile: promptProfile, tokenBudget: budget.promptTokens });
  const base = { maxTokens: budget.answerTokens, temperature: 0 };
  return prompt.profile === 'chat' ? { ...base, messages: prompt.messages } : { ...base, prompt: prompt.prompt, stop: prompt.stop };
}
