import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { IndexedDbPostingStore } from '../../src/db/indexeddb-posting-store';
import type { LibraryDb } from '../../src/db/library-db';
import { searchLibrary } from '../../src/db/library-queries';
import { installPack } from '../../src/db/pack-install';
import { openTestLibrary } from '../fixtures/library';
import { makeExcerpt, makePackParts } from '../fixtures/pack';

// A pack with the same guidance in English and in French: a question in French finds both (the
// English through the lexicon), and the French one comes first; a question in English, the English one.

const opened: LibraryDb[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

const english = makeExcerpt(1, {
  docTitle: 'Malaria',
  section: 'Treatment',
  text: 'Treat uncomplicated malaria with an artemisinin-based combination for three days.',
  language: 'en',
});
const french = makeExcerpt(2, {
  docTitle: 'Paludisme',
  section: 'Traitement',
  text: 'Traiter le paludisme simple par une combinaison à base d’artémisinine pendant trois jours.',
  language: 'fr',
});

describe('a pack in two languages', () => {
  it("puts first the excerpt in the question's language when both say the same", async () => {
    const db = openTestLibrary('multilingual');
    opened.push(db);
    const store = new IndexedDbPostingStore(db);
    await installPack(db, makePackParts({ id: 'bilingual', excerpts: [english, french] }));

    const inFrench = await searchLibrary(db, store, 'Quel est le traitement du paludisme ?', { limit: 5, lang: 'fr' });
    expect(inFrench.hits.map((h) => h.excerpt.language)).toEqual(['fr', 'en']);
    const inEnglish = await searchLibrary(db, store, 'What is the treatment of malaria?', { limit: 5, lang: 'fr' });
    expect(inEnglish.hits[0]?.excerpt.language).toBe('en');
  });
});
