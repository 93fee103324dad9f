import { editDistance } from './fuzzy';
import type { PostingStore } from './search';

/**
 * Spelling cognates: a medical word written the way French, Spanish, Portuguese or Swahili spell it
 * (hemofagocítica, hipermetioninemia) against the English index (hemophagocytic, hypermethioninemia).
 * Both are reduced to a skeleton that drops the differences of spelling alone, then compared.
 */
const SPELLINGS: [RegExp, string][] = [
  [/ph/g, 'f'],
  [/th/g, 't'],
  [/rh/g, 'r'],
  [/ch/g, 'c'],
  [/k/g, 'c'],
  [/y/g, 'i'],
  [/z/g, 's'],
  [/(.)\1+/g, '$1'],
];

export function spellingSkeleton(term: string): string {
  return SPELLINGS.reduce((s, [from, to]) => s.replace(from, to), term);
}

/** How an English word whose skeleton starts with these letters may begin. */
const STARTS: Record<string, string[]> = {
  f: ['f', 'ph'],
  t: ['t', 'th'],
  r: ['r', 'rh'],
  c: ['c', 'k', 'ch'],
  i: ['i', 'y'],
  s: ['s', 'z'],
};

function englishPrefixes(skeleton: string): string[] {
  const [a = '', b = ''] = skeleton;
  return (STARTS[a] ?? [a]).flatMap((x) => (STARTS[b] ?? [b]).map((y) => x + y));
}

/** Only long words: short ones are ordinary words whose skeletons collide with unrelated English. */
const MIN_LENGTH = 7;
const SCAN_LIMIT = 2000;

/** Index terms that spell the same word in English, for each foreign term the index lacks. */
export async function spellingCognates(store: PostingStore, terms: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const term of terms) {
    if (term.length < MIN_LENGTH || /\d/.test(term)) continue;
    const skeleton = spellingSkeleton(term);
    const found: string[] = [];
    for (const prefix of englishPrefixes(skeleton)) {
      for (const candidate of await store.termsWithPrefix(prefix, SCAN_LIMIT)) {
        if (candidate !== term && editDistance(skeleton, spellingSkeleton(candidate), 1) <= 1) found.push(candidate);
      }
    }
    if (found.length > 0) out.set(term, found.slice(0, 3));
  }
  return out;
}
