import 'fake-indexeddb/auto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import Dexie from 'dexie';
import { fetch as undiciFetch } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runAdmin } from '../../server/src/admin/cli';
import type { ClinicFetch } from '../../src/api/clinic-request';
import type { DownloadFetch } from '../../src/api/resumable-download';
import { contentHash, writePack } from '../../src/core/pack/pack-reader';
import { saveClinicConnection } from '../../src/db/clinic-connection';
import type { ClinicConnection, LibraryDb } from '../../src/db/library-db';
import { createClinicSync } from '../../src/sync/clinic-sync';
import { type InstallPackFile, syncPacks } from '../../src/sync/pack-sync';
import { runImport } from '../../src/workers/run-import';
import { openTestLibrary, snapshot } from '../fixtures/library';
import { makeExcerpts, makePack, makePackParts } from '../fixtures/pack';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

// A tablet's library (fake-indexeddb, as in the unit tests) brought up to date from a real clinic
// server: packs published with the admin commands, signed with the clinic's publisher key, and
// installed the way the app's import worker installs them (runImport is what the worker runs).

const servers: TestServer[] = [];
const libraries: LibraryDb[] = [];

afterEach(async () => {
  for (const db of libraries.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

afterAll(async () => {
  for (const server of servers) await server.close();
});

async function admin(dataDir: string, ...args: string[]): Promise<string> {
  const lines: string[] = [];
  const code = await runAdmin(['--data', dataDir, ...args], (line) => lines.push(line));
  expect(code, lines.join('\n')).toBe(0);
  return lines.join('\n');
}

async function publish(dataDir: string, pack: string): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'meditron-pack-file-')), 'pack.jsonl');
  writeFileSync(file, pack);
  await admin(dataDir, 'pack-import', file, '--publish');
}

async function clinic(withKey: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), 'meditron-pack-sync-'));
  if (withKey) await admin(dataDir, 'publisher-key', '--name', 'Test clinic');
  const server = await startTestServer({ dataDir });
  servers.push(server);
  const token = await enrollDevice(server, 'tablet');
  const connection: ClinicConnection = { origin: server.url, deviceId: 'tablet', deviceName: 'tablet', token, enrolledAt: '' };
  const db = openTestLibrary('pack-sync');
  libraries.push(db);
  await saveClinicConnection(db, connection);
  const fetch: ClinicFetch = (url, init) => undiciFetch(url, { ...init, dispatcher: server.dispatcher });
  const download: DownloadFetch = (url, init) =>
    undiciFetch(url, { ...init, dispatcher: server.dispatcher }) as unknown as Promise<Response>;
  const install: InstallPackFile = (source) =>
    new Promise((resolve, reject) => {
      void runImport(db, source, (event) => {
        if (event.type === 'done') resolve(event);
        if (event.type === 'error') reject(event.error);
      });
    });
  const clinicSync = createClinicSync({ db, fetch });
  // As the app does: the sync pulls the clinic's listing and keys, then the packs come.
  const sync = async () => {
    await clinicSync.flush();
    return syncPacks(db, connection, { fetch: download, install });
  };
  return { dataDir, server, db, sync };
}

const excerptsOf = (db: LibraryDb, packId: string) =>
  db.excerpts.where('[packId+ordinal]').between([packId, 0], [packId, Infinity]).count();

describe('packs from the clinic server', () => {
  it('installs each published pack signed with the clinic key, then only what changed', async () => {
    const { dataDir, db, sync } = await clinic(true);
    await publish(dataDir, makePack({ id: 'who', version: '1', excerpts: makeExcerpts(3) }));
    await publish(dataDir, makePack({ id: 'msf', version: '2', excerpts: makeExcerpts(2, { tag: 'msf' }) }));

    const first = await sync();
    expect(first).toMatchObject({ removed: [], failed: [] });
    expect(first.installed.map((p) => p.id).sort()).toEqual(['msf', 'who']);
    expect(await excerptsOf(db, 'who')).toBe(3);

    await publish(dataDir, makePack({ id: 'who', version: '2', excerpts: makeExcerpts(5, { tag: 'v2' }) }));
    const second = await sync();
    // Every excerpt changed: the whole pack is smaller than a delta.
    expect(second.installed).toEqual([{ id: 'who', version: '2', title: 'Test pack', via: 'full' }]);
    expect((await db.packs.get('who'))?.manifest.version).toBe('2');
    expect(await excerptsOf(db, 'who')).toBe(5);
    expect(await sync()).toEqual({ installed: [], removed: [], failed: [] });
  });

  it('updates a pack with a delta of what changed, checked against the signed manifest', async () => {
    const { dataDir, db, sync } = await clinic(true);
    const v1 = makeExcerpts(40);
    await publish(dataDir, makePack({ id: 'who', version: '1', excerpts: v1 }));
    await sync();
    const v2 = [
      ...v1.slice(0, 10),
      { ...v1[10]!, text: 'Changed: give ORS after each loose stool.' },
      ...v1.slice(12),
      ...makeExcerpts(1, { from: 100, tag: 'new' }),
    ];
    await publish(dataDir, makePack({ id: 'who', version: '2', excerpts: v2 }));
    const result = await sync();
    expect(result.installed).toEqual([
      { id: 'who', version: '2', title: 'Test pack', via: 'delta', stats: { kept: 38, added: 1, changed: 1, removed: 1 } },
    ]);
    const fresh = openTestLibrary('pack-sync-fresh');
    libraries.push(fresh);
    await runImport(fresh, { kind: 'pack', file: new Blob([makePack({ id: 'who', version: '2', excerpts: v2 })]) }, () => {});
    expect((await snapshot(db)).excerpts).toEqual((await snapshot(fresh)).excerpts);
    expect(await db.downloads.count()).toBe(0);
  });

  it('removes a pack the clinic unpublished', async () => {
    const { dataDir, db, sync } = await clinic(true);
    await publish(dataDir, makePack({ id: 'who', version: '1', excerpts: makeExcerpts(3) }));
    await sync();
    await admin(dataDir, 'pack-unpublish', 'who');
    expect(await sync()).toEqual({ installed: [], removed: ['who'], failed: [] });
    expect(await db.packs.get('who')).toBeUndefined();
  });

  it('refuses an unsigned pack, and leaves the library as it was', async () => {
    const { dataDir, db, sync } = await clinic(false);
    await publish(dataDir, makePack({ id: 'who', version: '1' }));
    const before = await snapshot(db);
    const result = await sync();
    expect(result.installed).toEqual([]);
    expect(result.failed).toMatchObject([{ id: 'who', error: { code: 'pack/unsigned' } }]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses a pack altered on the server after it was signed, and keeps the version installed before', async () => {
    const { dataDir, db, sync } = await clinic(true);
    await publish(dataDir, makePack({ id: 'who', version: '1', excerpts: makeExcerpts(3) }));
    await sync();
    await publish(dataDir, makePack({ id: 'who', version: '2', excerpts: makeExcerpts(3, { tag: 'v2' }) }));
    // Someone edits the stored file: one excerpt changed, and the manifest's hash restated to match.
    const { manifest, excerpts } = makePackParts({ id: 'who', version: '2', excerpts: makeExcerpts(3, { tag: 'v2' }) });
    const altered = excerpts.map((e, i) => (i === 0 ? { ...e, text: 'Give twice the dose.' } : e));
    const file = Buffer.from(writePack({ ...manifest, contentHash: contentHash(altered) }, altered));
    const stored = join(dataDir, 'packs', 'who', '2.jsonl');
    writeFileSync(stored, file);
    writeFileSync(`${stored}.gz`, gzipSync(file));
    writeFileSync(`${stored}.br`, brotliCompressSync(file));
    const before = await snapshot(db);

    const result = await sync();
    expect(result.failed).toMatchObject([{ id: 'who', version: '2', error: { code: 'pack/bad-signature' } }]);
    expect(await snapshot(db)).toEqual(before);
    expect((await db.packs.get('who'))?.manifest.version).toBe('1');
  });

  it('tries nothing while the server is out of reach', async () => {
    const { db, server, sync } = await clinic(true);
    servers.splice(servers.indexOf(server), 1);
    await server.close();
    expect(await sync()).toEqual({ installed: [], removed: [], failed: [] });
    expect(await db.packs.count()).toBe(0);
  });
});
