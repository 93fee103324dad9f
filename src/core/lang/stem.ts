import type { LexiconLanguage } from './lexicon-schema';

/**
 * Light stemming of one normalized word (normalizeFor's output): only the endings that make the
 * singular and plural, masculine and feminine of a word differ, so "douleurs" meets "douleur" and
 * "infectada" meets "infectado". Question words and lexicon terms go through the same function, so a
 * stem only has to be consistent, not a real word; rules stop short of endings that would merge
 * unrelated words.
 */
export function lightStem(language: LexiconLanguage, word: string): string {
  switch (language) {
    case 'fr':
      return stemFrench(word);
    case 'es':
      return dropGender(stemSpanishPlural(word));
    case 'pt':
      return dropGender(stemPortuguesePlural(word));
    case 'sw':
      return stemSwahili(word);
    case 'ar':
      return stemArabic(word);
  }
}

/** `ending` replaced by `by` when the word is at least `min` letters long. */
function swap(word: string, ending: string, by: string, min: number): string | null {
  return word.length >= min && word.endsWith(ending) ? word.slice(0, word.length - ending.length) + by : null;
}

const VOWEL = /[aeiou]/;

// French: plural -s (not after s, u, i: "virus", "pus", "sinus", "fois" are singular), -x of -aux,
// -eaux and -oux (not -eux, which is singular too: "douloureux"), then the feminine endings.
function stemFrench(word: string): string {
  const singular =
    swap(word, 'eaux', 'eau', 4) ??
    swap(word, 'aux', 'al', 4) ??
    swap(word, 'oux', 'ou', 5) ??
    (word.length >= 4 && word.endsWith('s') && !/[siu]s$/.test(word) ? word.slice(0, -1) : word);
  return (
    swap(singular, 'euse', 'eux', 5) ??
    swap(singular, 'ive', 'if', 5) ??
    swap(singular, 'elle', 'el', 6) ??
    swap(singular, 'enne', 'en', 6) ??
    swap(singular, 'ale', 'al', 5) ??
    swap(singular, 'ee', 'e', 4) ??
    singular
  );
}

// Spanish: -ces is the plural of -z (veces, cicatrices); -es after a consonant a singular can end in
// (dolores, enfermedades, meses); -s after a, e, o. Not after i, u: "crisis", "dosis", "virus".
function stemSpanishPlural(word: string): string {
  return (
    swap(word, 'ces', 'z', 5) ??
    (word.length >= 5 && /[lrndzsjy]es$/.test(word) ? word.slice(0, -2) : null) ??
    (word.length >= 4 && /[aeo]s$/.test(word) ? word.slice(0, -1) : word)
  );
}

// Portuguese: -ões → -ão (infecções), -ais/-eis/-ois/-uis → -al/-el/-ol/-ul (sinais, possíveis),
// -ns → -m (homens), -es after r, z and in -eses (dores, vezes, meses), else -s after a, e, o.
// -ses otherwise keeps its e: "doses", "crises" are plurals of "dose", "crise".
function stemPortuguesePlural(word: string): string {
  return (
    swap(word, 'oes', 'ao', 5) ??
    swap(word, 'ais', 'al', 5) ??
    swap(word, 'eis', 'el', 5) ??
    swap(word, 'ois', 'ol', 5) ??
    swap(word, 'uis', 'ul', 5) ??
    swap(word, 'ns', 'm', 5) ??
    (word.length >= 5 && /(?:[rz]|es)es$/.test(word) ? word.slice(0, -2) : null) ??
    (word.length >= 4 && /[aeo]s$/.test(word) ? word.slice(0, -1) : word)
  );
}

// Spanish and Portuguese gender (and the -e a plural may leave): a final a, o or e after a consonant,
// in words of five letters or more, so "infectado"/"infectada" and "fiebre"/"fiebres" meet while
// short words ("caso"/"casa", "mano", "dose") and vowel-final stems ("diarrea", "malaria", "pulmão")
// stay whole.
function dropGender(word: string): string {
  if (word.length < 5 || !/[aoe]$/.test(word) || VOWEL.test(word[word.length - 2]!)) return word;
  return word.slice(0, -1);
}

/**
 * Swahili marks number and class with prefixes, and most pairs cannot be undone safely: m-/wa-
 * (mtoto/watoto), m-/mi- (mguu/miguu) and ji-/ma- (jicho/macho) prefixes are also the first letters
 * of words that have none (mimba, malaria, maumivu, wasiwasi), so those plurals are left to the
 * lexicon. Two regular cases are undone: the ki-/vi- class plural (vidonda → kidonda,
 * vyakula → chakula) and the locative suffix -ni after a vowel (kichwani → kichwa, tumboni → tumbo).
 * Possessives are separate words (mtoto wangu) and are stop words.
 */
function stemSwahili(word: string): string {
  if (SWAHILI_LOANWORDS.has(word)) return word;
  const base = word.length >= 6 && /[aeiou]ni$/.test(word) ? word.slice(0, -2) : word;
  if (base.length >= 4 && /^vy[aeiou]/.test(base)) return `ch${base.slice(2)}`;
  if (base.length >= 5 && base.startsWith('vi')) return `k${base.slice(1)}`;
  return base;
}

// Loanwords the rules would misread as vi- plurals or locatives.
const SWAHILI_LOANWORDS = new Set(['virusi', 'vitamini']);

// Light10 (Larkey, Ballesteros & Connell), in normalized letters: ة arrives as ه, so ية is يه. ات is
// tried before ان so that a plural and its singular meet (سرطانات → سرطان → سرط, like سرطان).
const ARABIC_ARTICLES = ['بال', 'كال', 'فال', 'لل', 'ال'];
const ARABIC_SUFFIXES = ['ها', 'ات', 'ان', 'ون', 'ين', 'يه', 'ه', 'ي'];
const ARABIC_MIN_STEM = 3;

/**
 * Arabic light stemming: the conjunction و, one article form (ال, وال, بال, كال, فال, لل), then each
 * suffix in turn, every step only when three letters or more remain. و is tried again after the
 * article so that a root starting with و has one stem with and without it (وقاية and الوقاية both
 * give قاي); otherwise the bare word would lose its و as a conjunction and the definite one keep it.
 */
function stemArabic(word: string): string {
  const dropPrefix = (w: string, prefix: string) =>
    w.startsWith(prefix) && w.length - prefix.length >= ARABIC_MIN_STEM ? w.slice(prefix.length) : w;
  let stem = dropPrefix(word, 'و');
  const article = ARABIC_ARTICLES.find((a) => dropPrefix(stem, a) !== stem);
  if (article) stem = dropPrefix(dropPrefix(stem, article), 'و');
  for (const suffix of ARABIC_SUFFIXES) {
    if (stem.endsWith(suffix) && stem.length - suffix.length >= ARABIC_MIN_STEM) stem = stem.slice(0, -suffix.length);
  }
  return stem;
}
