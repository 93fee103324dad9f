import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PackStore } from './pack-store';

/**
 * A fresh server offers the bundled demo pack to tablets, so a trainer's laptop works with the run
 * command alone. Once any pack exists, the admin's choices stand: nothing is re-imported.
 */
export async function offerDemoPack(store: PackStore, staticDir: string): Promise<boolean> {
  const file = join(staticDir, 'packs', 'demo.pack.jsonl');
  if (store.list().length > 0 || !existsSync(file)) return false;
  const { manifest } = await store.importPack(createReadStream(file, 'utf8'));
  store.publish(manifest.id, manifest.version);
  return true;
}
