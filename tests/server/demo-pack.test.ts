import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDemoPack } from '../../scripts/demo-pack';
import { openDatabase } from '../../server/src/db/database';
import { offerDemoPack } from '../../server/src/packs/demo-pack';
import { PackStore } from '../../server/src/packs/pack-store';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setUp() {
  const dataDir = mkdtempSync(join(tmpdir(), 'meditron-demo-'));
  const staticDir = mkdtempSync(join(tmpdir(), 'meditron-static-'));
  dirs.push(dataDir, staticDir);
  mkdirSync(join(staticDir, 'packs'));
  writeFileSync(join(staticDir, 'packs', 'demo.pack.jsonl'), buildDemoPack());
  const db = openDatabase(join(dataDir, 'clinic.sqlite'));
  return { db, store: new PackStore(db, dataDir), staticDir };
}

describe('the demo pack on a fresh server', () => {
  it('is imported and published once, so tablets can download it', async () => {
    const { db, store, staticDir } = setUp();
    expect(await offerDemoPack(store, staticDir)).toBe(true);
    const [current] = store.current();
    expect(current?.manifest.id).toBe('demo');
    expect(current?.manifest.demo).toBe(true);
    expect(current?.manifest.excerptCount).toBeGreaterThanOrEqual(120);
    expect(await offerDemoPack(store, staticDir)).toBe(false);
    expect(store.list()).toHaveLength(1);
    db.close();
  });

  it('is not offered again once the admin has packs of their own', async () => {
    const { db, store, staticDir } = setUp();
    await offerDemoPack(store, staticDir);
    db.prepare('DELETE FROM packs').run();
    const ownPack = join(staticDir, 'own.jsonl');
    const { makePack } = await import('../fixtures/pack');
    writeFileSync(ownPack, makePack({ id: 'own' }));
    const { createReadStream } = await import('node:fs');
    await store.importPack(createReadStream(ownPack, 'utf8'));
    expect(await offerDemoPack(store, staticDir)).toBe(false);
    expect(store.list().map((p) => p.manifest.id)).toEqual(['own']);
    db.close();
  });
});
