import type { AnswerEngine } from './engine';

/**
 * No model: always available and writes nothing, so the app shows the matching guideline excerpts
 * instead, labelled as such.
 */
export const excerptsOnlyEngine: AnswerEngine = {
  id: 'excerpts-only',
  available: () => Promise.resolve(true),
  answer: () => Promise.resolve({ text: '', model: '', finishReason: 'none' }),
};
