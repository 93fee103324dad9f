import { editDistance } from '../search/fuzzy';
import { normalize, type Token } from './tokens';

type Mode = 'plain' | 'exact' | 'prefix';
/** Ids of the words one position of a phrase accepts, or any number. */
type Slot = readonly number[] | 'number';

export interface Phrase<T> {
  tag: T;
  slots: readonly Slot[];
  /** Every word the phrase can contain, folded: to tell "not feeding" (itself negative) from "feeding". */
  words: readonly string[];
}

export interface Occurrence<T> {
  phrase: Phrase<T>;
  /** Token range [start, end). */
  start: number;
  end: number;
}

// Typos are forgiven in Latin-script words of six letters or more; Arabic variants are folded instead.
const MIN_FUZZY = 6;
const LATIN = /^[a-z]+$/;
const ARABIC = /^[\u0600-\u06ff]+$/;
const SINGLE_WORD = /^[\p{L}\p{N}]+$/u;
// Prefixes written joined to Arabic words: "و" and, "ف" so, "ب" with, "ل" for, "ك" as, "ال" the.
const ARABIC_CLITICS = [/^[وف](.{2,})$/, /^[بلك](.{2,})$/, /^ال(.{2,})$/, /^لل(.{2,})$/];

/** An Arabic word with and without its joined prefixes: "والتشنج" is also "التشنج" and "تشنج". */
function arabicVariants(word: string): string[] {
  if (!ARABIC.test(word)) return [word];
  const forms = [word];
  for (let i = 0; i < forms.length && forms.length < 8; i++) {
    for (const clitic of ARABIC_CLITICS) {
      const rest = clitic.exec(forms[i]!)?.[1];
      if (rest && !forms.includes(rest)) forms.push(rest);
    }
  }
  return forms;
}

/** Phrases split into words the way the text is (letters and digits apart, folded). */
function wordsOf(text: string): string[] {
  return normalize(text).match(/\p{L}+|\d+(?:[.,]\d+)?/gu) ?? [];
}

/** Splits at each separator outside parentheses: a phrase into its parts, a group into its phrases. */
function splitOutside(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth === 0 && separator.test(ch)) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) throw new Error(`Unbalanced parentheses in "${text}"`);
  parts.push(current);
  return parts;
}

/** Every word sequence a phrase stands for, with classes, groups and optional parts expanded. */
function expandPhrase(pattern: string, classes: Record<string, readonly string[]> = {}): string[][] {
  let sequences: string[][] = [[]];
  for (const chunk of splitOutside(pattern.trim(), /\s/).filter(Boolean)) {
    const optional = chunk.length > 1 && chunk.endsWith('?');
    const body = optional ? chunk.slice(0, -1) : chunk;
    const className = /^\{(.+)\}$/.exec(body)?.[1];
    const group = /^\((.+)\)$/.exec(body)?.[1];
    let options: string[][];
    if (className !== undefined) {
      const alternatives = classes[className];
      if (!alternatives) throw new Error(`Unknown phrase class {${className}} in "${pattern}"`);
      options = alternatives.flatMap((a) => expandPhrase(a, classes));
    } else if (group !== undefined) {
      options = splitOutside(group, /\|/).flatMap((a) => expandPhrase(a, classes));
    } else if (/[|*=#]/.test(body)) {
      options = [[body]];
    } else {
      options = [wordsOf(body)];
    }
    if (optional) options.push([]);
    sequences = sequences.flatMap((s) => options.map((o) => [...s, ...o]));
  }
  return sequences.filter((s) => s.length > 0);
}

/** Phrases of many languages, found in a text word by word with small typos forgiven. */
export class PhraseIndex<T> {
  /** Folded text of each word, by id. */
  private readonly words: string[] = [];
  private readonly wordIds = new Map<string, number>();
  private readonly exact = new Map<string, number[]>();
  private readonly prefixes = new Map<string, number[]>();
  private readonly fuzzyWords = new Map<string, number[]>();
  private readonly fuzzyStems = new Map<string, number[]>();
  private readonly byFirstWord = new Map<number, Phrase<T>[]>();
  private readonly byFirstNumber: Phrase<T>[] = [];

  /** Adds a phrase (see Lexicon for its syntax); throws on a malformed one, so bad data fails tests. */
  add(pattern: string, tag: T, classes?: Record<string, readonly string[]>): void {
    for (const sequence of expandPhrase(pattern, classes)) {
      const slots = sequence.map((slot) => this.slot(slot, pattern));
      const words = slots.flatMap((s) => (s === 'number' ? [] : s.map((id) => this.words[id]!)));
      const phrase: Phrase<T> = { tag, slots, words };
      const first = slots[0]!;
      if (first === 'number') this.byFirstNumber.push(phrase);
      else for (const id of first) push(this.byFirstWord, id, phrase);
    }
  }

  /** Every place a phrase occurs, within one clause. */
  find(tokens: readonly Token[]): Occurrence<T>[] {
    const cache = new Map<string, Set<number>>();
    const accepted = tokens.map((t) => {
      let ids = cache.get(t.text);
      if (!ids) {
        ids = t.value === undefined ? this.wordsMatching(t.text) : new Set(this.exact.get(t.text));
        cache.set(t.text, ids);
      }
      return ids;
    });
    const accepts = (slot: Slot, i: number): boolean =>
      slot === 'number' ? tokens[i]!.value !== undefined : slot.some((id) => accepted[i]!.has(id));

    const found: Occurrence<T>[] = [];
    tokens.forEach((token, start) => {
      const candidates = new Set<Phrase<T>>(token.value === undefined ? [] : this.byFirstNumber);
      for (const id of accepted[start]!) for (const p of this.byFirstWord.get(id) ?? []) candidates.add(p);
      for (const phrase of candidates) {
        const end = start + phrase.slots.length;
        if (end > tokens.length || tokens[end - 1]!.clause !== token.clause) continue;
        if (phrase.slots.every((slot, k) => k === 0 || accepts(slot, start + k))) found.push({ phrase, start, end });
      }
    });
    return found;
  }

  private slot(text: string, pattern: string): Slot {
    if (text === '#') return 'number';
    return text.split('|').map((alternative) => {
      const mode: Mode = alternative.startsWith('=') ? 'exact' : alternative.endsWith('*') ? 'prefix' : 'plain';
      const word = normalize(alternative.replace(/^=|\*$/g, ''));
      if (!SINGLE_WORD.test(word)) throw new Error(`"${alternative}" is not one word, in "${pattern}"`);
      return this.wordId(word, mode);
    });
  }

  private wordId(text: string, mode: Mode): number {
    const key = `${mode}:${text}`;
    const known = this.wordIds.get(key);
    if (known !== undefined) return known;
    const id = this.words.push(text) - 1;
    this.wordIds.set(key, id);
    const fuzzy = LATIN.test(text) && text.length >= MIN_FUZZY;
    if (mode === 'prefix') {
      push(this.prefixes, text, id);
      if (fuzzy) push(this.fuzzyStems, text[0]!, id);
    } else {
      push(this.exact, text, id);
      // "الوعي" is also "وعي", so it meets "للوعي" and "بوعي" once their prefixes are off.
      const bare = /^ال(.{3,})$/.exec(text)?.[1];
      if (bare) push(this.exact, bare, id);
      if (fuzzy && mode === 'plain') push(this.fuzzyWords, `${text[0]}${text.length}`, id);
    }
    return id;
  }

  private wordsMatching(token: string): Set<number> {
    const ids = new Set<number>();
    for (const form of arabicVariants(token)) {
      for (const id of this.exact.get(form) ?? []) ids.add(id);
      for (let k = 1; k <= form.length; k++) for (const id of this.prefixes.get(form.slice(0, k)) ?? []) ids.add(id);
    }
    // A word some phrase spells exactly is no typo ("prenant" is French, not a misspelt "pregnant").
    if (!LATIN.test(token) || token.length < MIN_FUZZY || this.exact.has(token)) return ids;
    for (let length = token.length - 1; length <= token.length + 1; length++) {
      for (const id of this.fuzzyWords.get(`${token[0]}${length}`) ?? []) {
        if (editDistance(token, this.words[id]!, 1) <= 1) ids.add(id);
      }
    }
    for (const id of this.fuzzyStems.get(token[0]!) ?? []) if (nearPrefix(token, this.words[id]!)) ids.add(id);
    return ids;
  }
}

/**
 * Whether a word starts with a stem but for one typo: "seizur" for "seizure*", "convullsions" for
 * "convuls*". Only same-length and one-longer starts are compared, so "prostate" is not "prostrat*".
 */
function nearPrefix(token: string, stem: string): boolean {
  if (token.length === stem.length - 1) return editDistance(token, stem, 1) <= 1;
  for (let k = stem.length; k <= Math.min(stem.length + 1, token.length); k++) {
    if (editDistance(token.slice(0, k), stem, 1) <= 1) return true;
  }
  return false;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
