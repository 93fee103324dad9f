import type { LibraryDb } from '../../db/library-db';
import { removePack } from '../../db/pack-install';
import { importInWorker } from '../../workers/import-client';

export const DEMO_PACK_URL = '/packs/demo.pack.jsonl';
const DECLINED_KEY = 'demoPackRemoved';

/** On first start the bundled demo pack is installed, unless the user has removed it before. */
export async function ensureDemoPack(db: LibraryDb, onProgress?: (fraction: number) => void): Promise<boolean> {
  if (localStorage.getItem(DECLINED_KEY) || (await db.packs.count()) > 0) return false;
  await importInWorker({ kind: 'pack', url: DEMO_PACK_URL }, (p) => onProgress?.(p.total ? p.done / p.total : 0));
  return true;
}

export function rememberDemoPackRemoved(): void {
  localStorage.setItem(DECLINED_KEY, '1');
}

/** Trainer mode's reset: the demo pack as shipped, whatever became of it (removed, or replaced by a newer one). */
export async function restoreDemoPack(db: LibraryDb, onProgress?: (fraction: number) => void): Promise<void> {
  localStorage.removeItem(DECLINED_KEY);
  const demo = (await db.packs.toArray()).filter((p) => p.manifest.demo);
  for (const pack of demo) await removePack(db, pack.id);
  await importInWorker({ kind: 'pack', url: DEMO_PACK_URL }, (p) => onProgress?.(p.total ? p.done / p.total : 0));
}
