import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PackStore } from './pack-store';
import { unsignedNotice } from './publisher-keys';

/**
 * A fresh server offers the bundled demo pack to tablets, so a trainer's laptop works with the run
 * command alone. Once any pack exists, the admin's choices stand: nothing is re-imported. It is
 * signed when the clinic already has a publisher key; otherwise it is published unsigned, and `log`
 * says so (`publisher-key` signs it later).
 */
export async function offerDemoPack(
  store: PackStore,
  staticDir: string,
  log: (line: string) => void = (line) => console.warn(line),
): Promise<boolean> {
  const file = join(staticDir, 'packs', 'demo.pack.jsonl');
  if (store.list().length > 0 || !existsSync(file)) return false;
  const { manifest } = await store.importPack(createReadStream(file, 'utf8'));
  const pack = await store.publish(manifest.id, manifest.version);
  if (!pack.signature) log(unsignedNotice(`demo pack ${manifest.version}`));
  return true;
}
