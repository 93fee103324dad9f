import { foldText } from '../text/fold';
import type { TextLanguage } from './normalize';

type LatinLanguage = Exclude<TextLanguage, 'ar'>;

/**
 * Frequent words of each language in health workers' questions, folded: function words first, then
 * the commonest medical words. A word several languages share ("de", "que") counts for each of them
 * divided among them, so it never decides alone.
 */
const MARKERS: Record<LatinLanguage, string> = {
  en: `the a an is are was be been of and or to in on for with at by from my his her their this that it
    what how why when which who should can does do did has have had not after before about
    child baby woman man patient pregnant old years days fever pain cough treatment treat symptoms signs
    cause causes diagnosis prevent give dose much many often disease`,
  fr: `le la les des du de est et un une pour avec dans sur au aux ce cette quel quelle quels quelles sont
    qu que qui je il elle mon ma mes son sa ses pas ne chez faut peut doit comment quoi pourquoi combien
    enfant bebe femme enceinte fievre douleur toux traitement traiter soigner symptomes signes maladie
    ans mois jours apres donner prendre depuis faire cas si en mal ventre tete sang paludisme quand`,
  es: `el la los las del de es y un una para con en que cual cuales cuanto cuantos cuantas como mi su
    se son hay tiene tengo puede debo por muy nino nina bebe mujer embarazada fiebre dolor tos
    tratamiento tratar sintomas enfermedad anos meses dias despues dar tomar desde cuando hijo hija hacer
    si caso estomago cabeza sangre paludismo`,
  pt: `o os a as da do das dos de e um uma para com em no na nos nas que qual quais quanto quantos quantas
    como meu minha seu sua se sao tem pode devo por muito nao voce crianca bebe mulher gravida febre dor
    tosse tratamento tratar sintomas doenca anos meses dias depois dar tomar desde quando filho filha fazer
    caso barriga cabeca sangue`,
  sw: `na ya wa za cha vya kwa katika ni au je nini gani vipi wapi lini ngapi ana una nina kuna yangu
    wangu yake wake hii huu sana mtoto watoto mama mjamzito homa maumivu kikohozi kuhara dalili ugonjwa
    mgonjwa matibabu tiba dawa kutibu kuzuia sababu damu kichwa tumbo siku miaka mwaka mimba kwanini
    nifanye afanye jinsi kifafa kutapika`,
};

const MARKER_LANGUAGES = new Map<string, LatinLanguage[]>();
for (const [language, words] of Object.entries(MARKERS) as [LatinLanguage, string][]) {
  for (const word of words.split(/\s+/).filter(Boolean)) MARKER_LANGUAGES.set(word, [...(MARKER_LANGUAGES.get(word) ?? []), language]);
}

// Letters and signs only some of the languages write, on the lower-cased unfolded text.
const CHARACTER_CUES: { pattern: RegExp; languages: LatinLanguage[]; weight: number }[] = [
  { pattern: /[ñ¿¡]/g, languages: ['es'], weight: 2 },
  { pattern: /[ãõ]/g, languages: ['pt'], weight: 2 },
  { pattern: /[èùœîûëï]/g, languages: ['fr'], weight: 2 },
  { pattern: /ç/g, languages: ['fr', 'pt'], weight: 1 },
  { pattern: /[àâêô]/g, languages: ['fr', 'pt'], weight: 1 },
  { pattern: /[áíóú]/g, languages: ['es', 'pt'], weight: 1 },
  // Swahili word starts: m- before a consonant (mtoto, mgonjwa, mwili), ny-, ng-, nd-.
  { pattern: /(?<![a-z])(?:m[bcdfghjklnpstvwyz]|ny|ng|nd)/g, languages: ['sw'], weight: 0.5 },
  // French elision: l'enfant, d'une, qu'est-ce.
  { pattern: /(?<![a-z])(?:l|d|qu|j|n|s|c)['’][a-zàâéèêîôû]/g, languages: ['fr'], weight: 1 },
];

const TEXT_LANGUAGES: readonly string[] = ['en', 'fr', 'es', 'pt', 'sw', 'ar'] satisfies TextLanguage[];

function textLanguageOf(tag: string | undefined): TextLanguage | undefined {
  const primary = tag?.split('-')[0]?.toLowerCase();
  return primary && TEXT_LANGUAGES.includes(primary) ? (primary as TextLanguage) : undefined;
}

const ARABIC_LETTER = /[\u0620-\u064A\u0671-\u06D3\uFB50-\uFDFF\uFE70-\uFEFC]/g;
const LATIN_LETTER = /[a-z\u00C0-\u024F]/gi;
const WORD = /[\p{L}\p{N}]+/gu;
/** Evidence a language needs, without a hint: in all, and over the runner-up. */
const MIN_SCORE = 1;
const MIN_LEAD = 0.5;
/** Evidence a language needs to override the hint: in all, and over the hinted language. */
const HINTED_MIN_SCORE = 2;
const HINT_LEAD = 1;

/**
 * The language a question is written in. Arabic is told by its script; Latin-script languages by
 * their frequent words and their letters (ñ, ã, ç, è …). When the evidence is thin (a word or two, or
 * two languages close), the UI language wins (a tag like "fr-CA" counts as "fr"), else English: the
 * packs' own language.
 */
export function detectLanguage(text: string, uiLanguage?: string): TextLanguage {
  const hint = textLanguageOf(uiLanguage);
  const arabic = text.match(ARABIC_LETTER)?.length ?? 0;
  const latin = text.match(LATIN_LETTER)?.length ?? 0;
  if (arabic > 0 && arabic >= latin) return 'ar';

  const scores: Record<LatinLanguage, number> = { en: 0, fr: 0, es: 0, pt: 0, sw: 0 };
  for (const word of foldText(text).match(WORD) ?? []) {
    const languages = MARKER_LANGUAGES.get(word);
    if (languages) for (const language of languages) scores[language] += 1 / languages.length;
  }
  const lower = text.toLowerCase();
  for (const { pattern, languages, weight } of CHARACTER_CUES) {
    const count = lower.match(pattern)?.length ?? 0;
    for (const language of languages) scores[language] += (count * weight) / languages.length;
  }

  const ranked = (Object.entries(scores) as [LatinLanguage, number][]).sort((a, b) => b[1] - a[1]);
  const [best, bestScore] = ranked[0]!;
  if (!hint) return bestScore >= MIN_SCORE && bestScore - ranked[1]![1] >= MIN_LEAD ? best : 'en';
  // The UI language is the likelier one: another wins only on more, and clearly more, evidence.
  const hintScore = hint === 'ar' ? 0 : scores[hint];
  return best === hint || (bestScore >= HINTED_MIN_SCORE && bestScore - hintScore >= HINT_LEAD) ? best : hint;
}
