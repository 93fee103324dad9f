/** The languages with a lexicon to English: what a question in them is searched through. Apart from the schema, so search needs no zod. */
export const LEXICON_LANGUAGES = ['fr', 'es', 'pt', 'sw', 'ar'] as const;
export type LexiconLanguage = (typeof LEXICON_LANGUAGES)[number];
