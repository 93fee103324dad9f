import type { PromptProfile } from './prompt-target';

/** What a model is asked, to put a question into English for a search of English guidelines. */
export interface TranslationRequest {
  messages?: { role: 'system' | 'user'; content: string }[];
  prompt?: string;
  stop?: string[];
  maxTokens: number;
  temperature: number;
}

/** A question is short: its translation is too. */
const MAX_TOKENS = 96;

/**
 * The translation request for a model's profile: an instruction for a chat model, a one-line pattern for
 * a base model (which continues text rather than following instructions), stopped at the line's end.
 */
export function translationRequest(question: string, profile: PromptProfile): TranslationRequest {
  const text = question.replace(/\s+/g, ' ').trim();
  if (profile === 'chat') {
    return {
      messages: [
        {
          role: 'system',
          content:
            "Translate the health worker's question into English, for a search of English medical guidelines. Keep medical terms precise. Write only the English question.",
        },
        { role: 'user', content: text },
      ],
      maxTokens: MAX_TOKENS,
      temperature: 0,
    };
  }
  return {
    prompt: `Questions from health workers, translated into English.\nQuestion: ¿Cuáles son los síntomas de la anemia?\nEnglish: What are the symptoms of anemia?\nQuestion: ${text}\nEnglish:`,
    stop: ['\n'],
    maxTokens: MAX_TOKENS,
    temperature: 0,
  };
}

/** The model's translation, one line, or nothing usable. */
export function translationOf(output: string): string | undefined {
  const line = output.trim().split('\n')[0]?.trim() ?? '';
  return line.length >= 3 ? line : undefined;
}
