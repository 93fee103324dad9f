import { z } from 'zod';
import { LEXICON_LANGUAGES } from './languages';

export { LEXICON_LANGUAGES, type LexiconLanguage } from './languages';

/**
 * A bilingual medical lexicon (content/lexicon/<language>.json): what the words health workers type in
 * their language mean in the language most guideline packs are written in. Written by the project,
 * each entry a fact about a word; searched on every tablet with no model. A pack may carry additions.
 */
export const LEXICON_KINDS = ['disease', 'symptom', 'sign', 'body', 'drug', 'procedure', 'question', 'person', 'general'] as const;

export const LexiconEntrySchema = z.object({
  /** Words or phrases in the source language as people write them: lay words, abbreviations, misspellings too. */
  terms: z.array(z.string().trim().min(1)).min(1),
  /** What they mean in English: one or more words or phrases. */
  en: z.array(z.string().trim().min(1)).min(1),
  kind: z.enum(LEXICON_KINDS),
});

/**
 * Cognate endings: a word the lexicon does not list is also searched with its ending replaced
 * (French `-ique` → `-ic`, `-ite` → `-itis`), so rare disease names that differ from English only in
 * their ending still meet the English text.
 */
export const SuffixRuleSchema = z.object({
  from: z.string().min(1),
  to: z.array(z.string().min(1)).min(1),
});

export const LexiconSchema = z.object({
  /** Raised with every change, so a tablet knows which lexicon a pack's additions were written against. */
  version: z.number().int().min(1),
  language: z.enum(LEXICON_LANGUAGES),
  target: z.literal('en'),
  entries: z.array(LexiconEntrySchema).min(1),
  suffixRules: z.array(SuffixRuleSchema).default([]),
});

export type LexiconEntry = z.infer<typeof LexiconEntrySchema>;
export type Lexicon = z.infer<typeof LexiconSchema>;
