import 'fake-indexeddb/auto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeDelta } from '../../src/core/pack/pack-delta';
import type { ParsedPack } from '../../src/core/pack/pack-reader';
import { base64UrlEncode, type PackSignature, publisherKeyId, signPack, type TrustedKey } from '../../src/core/pack/pack-signature';
import { IndexedDbPostingStore } from '../../src/db/indexeddb-posting-store';
import type { LibraryDb } from '../../src/db/library-db';
import { searchLibrary } from '../../src/db/library-queries';
import type { ImportEvent, ImportSource } from '../../src/workers/import-protocol';
import { runImport } from '../../src/workers/run-import';
import { openTestLibrary, snapshot } from '../fixtures/library';
import { makeExcerpts, makePack, makePackParts } from '../fixtures/pack';

const opened: LibraryDb[] = [];
function library(): LibraryDb {
  const db = openTestLibrary('delta');
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

async function importEvents(db: LibraryDb, source: ImportSource): Promise<ImportEvent[]> {
  const events: ImportEvent[] = [];
  await runImport(db, source, (e) => events.push(e));
  return events;
}

const fileOf = (text: string) => new Blob([text]);

async function install(db: LibraryDb, pack: ParsedPack): Promise<void> {
  const events = await importEvents(db, { kind: 'pack', file: fileOf(makePack(pack)) });
  expect(events.at(-1)).toMatchObject({ type: 'done' });
}

/** The library's rows, less the install times. */
async function contents(db: LibraryDb) {
  const rows = await snapshot(db);
  return { ...rows, packs: rows.packs.map(({ installedAt: _installedAt, ...pack }) => pack) };
}

async function searchIds(db: LibraryDb, query: string): Promise<string[]> {
  const { hits } = await searchLibrary(db, new IndexedDbPostingStore(db), query);
  return hits.map((h) => h.excerpt.id);
}

async function trustedKey(): Promise<{ privateKey: CryptoKey; publicKeyRaw: Uint8Array; trusted: TrustedKey }> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const publicKeyRaw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return {
    privateKey: pair.privateKey,
    publicKeyRaw,
    trusted: { keyId: publisherKeyId(publicKeyRaw), publicKey: base64UrlEncode(publicKeyRaw) },
  };
}

// Version 2 keeps excerpts 1-3 and 6-8, changes 4, drops 5 and adds 9 and 10.
const v1 = makePackParts({ id: 'who', version: '1', excerpts: makeExcerpts(8) });
const old = (n: number) => v1.excerpts[n - 1]!;
const changed = { ...old(4), text: 'Give oral rehydration salts and zinc for ten days.' };
const v2 = makePackParts({
  id: 'who',
  version: '2',
  excerpts: [old(1), old(2), old(3), changed, old(6), old(7), old(8), ...makeExcerpts(2, { from: 9 })],
});
const delta = makeDelta(v1, v2);

let publisher: Awaited<ReturnType<typeof trustedKey>>;
let stranger: Awaited<ReturnType<typeof trustedKey>>;
let signature: PackSignature;
beforeAll(async () => {
  publisher = await trustedKey();
  stranger = await trustedKey();
  signature = await signPack(v2.manifest, publisher.privateKey, publisher.publicKeyRaw);
});

describe('runImport of a pack delta', () => {
  it('turns the installed version into the next, as a fresh install of it would be', async () => {
    const db = library();
    await install(db, v1);
    const events = await importEvents(db, { kind: 'delta', file: fileOf(delta) });

    expect(events.at(-1)).toMatchObject({
      type: 'done',
      outcome: 'replaced',
      manifest: { id: 'who', version: '2' },
      stats: { kept: 6, added: 2, changed: 1, removed: 1 },
    });
    const phases = events.slice(0, -1).map((e) => (e.type === 'progress' ? e.phase : e.type));
    expect(phases[0]).toBe('read');
    expect(phases.lastIndexOf('read')).toBeLessThan(phases.indexOf('index'));
    expect(phases.lastIndexOf('index')).toBeLessThan(phases.indexOf('write'));
    expect(events.filter((e) => e.type === 'progress' && e.phase === 'read').at(-1)).toMatchObject({ done: delta.length });

    const fresh = library();
    await install(fresh, v2);
    expect(await contents(db)).toEqual(await contents(fresh));
    expect(await searchIds(db, 'rehydration')).toEqual([changed.id]);
    expect(await searchIds(db, 'term5')).toEqual([]);
    expect(await searchIds(db, 'term10')).toEqual(['doc10.overview.0']);
  });

  it('refuses a delta made for other content, or for a pack not installed, leaving the library as it was', async () => {
    const db = library();
    const other = makeDelta(makePackParts({ id: 'who', version: '1', excerpts: makeExcerpts(8, { tag: 'b' }) }), v2);
    expect((await importEvents(db, { kind: 'delta', file: fileOf(other) })).at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'pack/delta-mismatch' },
    });

    await install(db, v1);
    const before = await snapshot(db);
    const events = await importEvents(db, { kind: 'delta', file: fileOf(other) });
    expect(events.filter((e) => e.type === 'error')).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'pack/delta-mismatch' }) }),
    ]);
    expect(events.at(-1)!.type).toBe('error');
    expect(await snapshot(db)).toEqual(before);
  });

  it('installs a delta signed with a trusted key, and refuses one the tablet does not trust', async () => {
    const db = library();
    await install(db, v1);
    const before = await snapshot(db);
    const refused = await importEvents(db, { kind: 'delta', file: fileOf(delta), trust: { signature, keys: [stranger.trusted] } });
    expect(refused.at(-1)).toMatchObject({ type: 'error', error: { code: 'pack/untrusted-key' } });
    expect(await snapshot(db)).toEqual(before);

    const events = await importEvents(db, { kind: 'delta', file: fileOf(delta), trust: { signature, keys: [publisher.trusted] } });
    expect(events.at(-1)).toMatchObject({ type: 'done', outcome: 'replaced', manifest: { version: '2' } });
    expect(await searchIds(db, 'rehydration')).toEqual([changed.id]);
  });

  it('refuses a delta whose result does not match the content hash, with or without a signature check', async () => {
    const db = library();
    await install(db, v1);
    const before = await snapshot(db);
    const tampered = delta.replace('Give oral rehydration salts', 'Give ten times the dose of');
    expect(tampered).not.toBe(delta);
    for (const trust of [undefined, { signature, keys: [publisher.trusted] }]) {
      const events = await importEvents(db, { kind: 'delta', file: fileOf(tampered), ...(trust ? { trust } : {}) });
      expect(events.filter((e) => e.type === 'error')).toEqual([
        expect.objectContaining({ error: expect.objectContaining({ code: 'pack/hash-mismatch' }) }),
      ]);
      expect(await snapshot(db)).toEqual(before);
    }
  });
});
