/** Counts the tokens a text costs the model; the real tokenizer when the caller has one. */
export type CountTokens = (text: string) => number;

const LATIN_TOKENS_PER_CHAR = 1 / 3;
const OTHER_TOKENS_PER_CHAR = 1;
const LATIN_OR_COMMON = /[\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u;

/**
 * An estimate that errs high, so a prompt it accepts fits the model. Llama tokenizers take about 4
 * characters a token in English, 3 to 3.5 in French, Spanish or Portuguese and about 3 in Swahili, hence
 * 3 for any Latin-script text. Arabic ranges from about 1 character a token (Llama 2, which spells
 * most Arabic letter by letter) to 3 (Llama 3): letters of other scripts count a whole token each.
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const char of text) {
    // Below U+0250 is ASCII and the Latin blocks: the regex only for the rest.
    const latin = char.charCodeAt(0) < 0x250 || LATIN_OR_COMMON.test(char);
    tokens += latin ? LATIN_TOKENS_PER_CHAR : OTHER_TOKENS_PER_CHAR;
  }
  return Math.ceil(tokens);
}
