import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { readPack, writePack } from '../../src/core/pack/pack-reader';
import { base64UrlEncode, publisherKeyId, signPack, verifyPackSignature } from '../../src/core/pack/pack-signature';
import { IndexedDbPostingStore } from '../../src/db/indexeddb-posting-store';
import type { LibraryDb } from '../../src/db/library-db';
import { searchLibrary } from '../../src/db/library-queries';
import { installPack, removePack } from '../../src/db/pack-install';
import { openTestLibrary } from '../fixtures/library';
import { makeExcerpt, makePackParts } from '../fixtures/pack';

// A guideline pack may carry lexicon additions: words its excerpts use that the app's lexicons lack.
// They come and go with the pack, in the same transaction, and its signature covers them.

const opened: LibraryDb[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

const local = makePackParts({
  id: 'district',
  excerpts: [
    makeExcerpt(1, { text: 'Artemether lumefantrine is the first line for uncomplicated falciparum malaria in the district.' }),
    makeExcerpt(2, { text: 'Oral rehydration salts for every child with diarrhoea.' }),
  ],
  manifest: {
    lexicon: [{ language: 'fr', entries: [{ terms: ['malacur'], en: ['artemether lumefantrine'], kind: 'drug' }] }],
  },
});

async function library() {
  const db = openTestLibrary('pack-lexicon');
  opened.push(db);
  return { db, store: new IndexedDbPostingStore(db) };
}

describe('lexicon additions in a pack', () => {
  it('are read and written with the pack', async () => {
    const read = await readPack([writePack(local.manifest, local.excerpts)]);
    expect(read.manifest.lexicon).toEqual(local.manifest.lexicon);
  });

  it('find the pack in a language its excerpts are not written in, until the pack is removed', async () => {
    const { db, store } = await library();
    // A local brand name no lexicon of the app knows.
    const question = 'Quelle dose de malacur pour un enfant ?';
    await installPack(db, local);
    const found = await searchLibrary(db, store, question, { limit: 3, lang: 'fr' });
    expect(found.hits[0]?.excerpt.id).toBe(local.excerpts[0]!.id);
    expect(found.terms).toEqual(expect.arrayContaining(['artemeth', 'lumefantrin']));

    await removePack(db, 'district');
    const without = makePackParts({ ...local, id: 'district', excerpts: local.excerpts, manifest: { lexicon: undefined } });
    await installPack(db, without);
    const after = await searchLibrary(db, store, question, { limit: 3, lang: 'fr' });
    expect(after.terms).not.toContain('artemeth');
    expect(after.terms).not.toContain('lumefantrin');
  });

  it('are covered by the pack signature', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const publicKeyRaw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const trusted = [{ keyId: publisherKeyId(publicKeyRaw), publicKey: base64UrlEncode(publicKeyRaw) }];
    const signature = await signPack(local.manifest, pair.privateKey, publicKeyRaw);
    await expect(verifyPackSignature(local.manifest, signature, trusted)).resolves.toMatchObject({ ok: true });
    const altered = {
      ...local.manifest,
      lexicon: [{ language: 'fr' as const, entries: [{ terms: ['malacur'], en: ['double the dose'], kind: 'drug' as const }] }],
    };
    await expect(verifyPackSignature(altered, signature, trusted)).rejects.toMatchObject({ code: 'pack/bad-signature' });
  });
});
