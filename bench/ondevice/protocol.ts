// What one round of either side yields, and how the bench prompts both.

/** A greedy generation of exactly `tokens` tokens (the generated model never ends a turn by itself). */
export interface Round {
  /** From the call to the first piece of text. */
  ttftMs: number;
  /** Generated tokens after the first, over the time from the first to the end: decoding speed. */
  tokensPerS: number;
  /** The generated text, to compare the two llama.cpp builds. */
  text: string;
}

export const MAX_TOKENS = 128;
/** The context both sides are created with. */
export const CONTEXT_TOKENS = 1024;

// About 200 tokens, the shape of the app's completion prompt: excerpts, then the question.
const EXCERPTS = [
  'Fast breathing in a child aged 12 months up to 5 years is 40 breaths per minute or more. Give oral amoxicillin twice daily for 5 days.',
  'A child with chest indrawing or any general danger sign (unable to drink or feed, vomiting everything, convulsions) needs urgent referral to hospital.',
  'Give paracetamol for high fever (38.5 °C or above). Advise the mother to give more fluids and continue breastfeeding.',
  'Follow up after 3 days: if the child is not better, check again for danger signs and refer if breathing is still fast.',
];

/**
 * The same prompt on both sides in a round. It starts with the round's number: llama.cpp in wllama keeps
 * the previous prompt's cache, so an unchanged prompt would be evaluated only for its last token there.
 */
export function roundPrompt(round: number): string {
  const excerpts = EXCERPTS.map((text, i) => `[${i + 1}] ${text}`).join('\n');
  return `${round}. Excerpts:\n${excerpts}\n\nQuestion: a child of three years has had fever and cough for two days and breathes fast. What should the health worker do?\nAnswer:`;
}

export function roundFigures(startMs: number, firstMs: number, endMs: number, tokens: number, text: string): Round {
  return { ttftMs: firstMs - startMs, tokensPerS: (tokens - 1) / ((endMs - firstMs) / 1000), text };
}
