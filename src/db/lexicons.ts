import { detectLanguage } from '../core/lang/detect';
import { LEXICON_LANGUAGES, type LexiconLanguage } from '../core/lang/languages';
import type { CompiledLexicon, QueryTranslation } from '../core/lang/lexicon';
import { compileLexicon, translateQuery } from '../core/lang/lexicon';
import type { Lexicon } from '../core/lang/lexicon-schema';
import type { LibraryDb } from './library-db';

// Each language's lexicon is a chunk of its own, loaded on the first question asked in that language
// (and precached by the service worker, so offline too).
// Relative, so any Vite root (the app's, a bench page's) finds them.
const BASE = import.meta.glob<{ default: Lexicon }>('../../content/lexicon/*.json');

/** The latest compilation of each language's lexicon, with the pack additions it was made with. */
const compiled = new Map<LexiconLanguage, { key: string; lexicon: Promise<CompiledLexicon> }>();

/**
 * The question's words in English, when it is asked in a language the packs are not written in: its
 * language detected (the UI language decides when the text is too short to tell), then looked up in that
 * language's lexicon with the additions of the installed packs. Undefined for English, or a language
 * without a lexicon; the detected language either way.
 */
export async function queryTranslation(
  db: LibraryDb,
  query: string,
  uiLanguage?: string,
): Promise<{ language: string; translation?: QueryTranslation }> {
  const language = detectLanguage(query, uiLanguage);
  if (!isLexiconLanguage(language)) return { language };
  const lexicon = await lexiconFor(db, language);
  return { language, ...(lexicon ? { translation: translateQuery(lexicon, query) } : {}) };
}

function isLexiconLanguage(language: string): language is LexiconLanguage {
  return (LEXICON_LANGUAGES as readonly string[]).includes(language);
}

/** Compiled once per set of pack additions: installing or removing a pack brings its additions in or out. */
async function lexiconFor(db: LibraryDb, language: LexiconLanguage): Promise<CompiledLexicon | undefined> {
  const packs = await db.packs.toArray();
  const additions = packs.flatMap((p) => (p.manifest.lexicon ?? []).filter((l) => l.language === language).map((l) => l.entries));
  // The additions themselves are the key: a pack's excerpts may stay the same while its lexicon changes.
  const key = JSON.stringify(additions);
  const cached = compiled.get(language);
  if (cached?.key === key) return cached.lexicon;
  const load = BASE[`../../content/lexicon/${language}.json`];
  const lexicon = (load ? load().then((m) => m.default) : Promise.resolve(undefined)).then((base) =>
    compileLexicon(language, base, additions),
  );
  // One per language: the one made for packs no longer installed is not kept.
  compiled.set(language, { key, lexicon });
  lexicon.catch(() => {
    if (compiled.get(language)?.lexicon === lexicon) compiled.delete(language);
  });
  return lexicon;
}
