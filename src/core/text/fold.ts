const COMBINING_MARKS = /\p{M}+/gu;
// Arabic letter variants that people type interchangeably; folded so "إسهال" matches "اسهال".
const ARABIC_FOLDS: Record<string, string> = {
  أ: 'ا',
  إ: 'ا',
  آ: 'ا',
  ٱ: 'ا',
  ى: 'ي',
  ئ: 'ي',
  ؤ: 'و',
  ة: 'ه',
  ـ: '',
};
const ARABIC_VARIANTS = /[أإآٱىئؤةـ]/g;

/**
 * Lower-cases and strips accents and Arabic tashkeel, so that a question typed without accents
 * ("fievre", "diarrhee") finds text written with them.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .replace(ARABIC_VARIANTS, (ch) => ARABIC_FOLDS[ch] ?? ch)
    .toLowerCase();
}
