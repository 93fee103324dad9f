import { createReadStream, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { PACK_FORMAT } from '../../../src/core/pack/pack-schema';
import { prepareDeltas } from '../packs/pack-deltas';
import { PackStore, type StoredPack } from '../packs/pack-store';
import { unsignedNotice } from '../packs/publisher-keys';
import type { AdminCommand } from './cli';

/** Progress lines every this many records or excerpts: a whole corpus takes a while to read. */
const PROGRESS_EVERY = 5000;

export const packCommands: Record<string, AdminCommand> = {
  'pack-import': {
    usage: 'pack-import <file> [options]',
    help: 'import a pack (.jsonl) or a guidelines corpus: --corpus --id ID --title T --language en --version V, --publish',
    async run({ dataDir, db, print }, args) {
      const { values, positionals } = parseArgs({
        args,
        options: {
          corpus: { type: 'boolean' },
          id: { type: 'string' },
          title: { type: 'string' },
          language: { type: 'string' },
          version: { type: 'string' },
          publish: { type: 'boolean' },
        },
        allowPositionals: true,
        strict: true,
      });
      const file = positionals[0];
      if (!file || positionals.length > 1) throw new Error('Usage: pack-import <file> [options]');
      if (!existsSync(file)) throw new Error(`No such file: ${file}`);
      const store = new PackStore(db, dataDir);
      const corpus = values.corpus ?? !(await isPackFile(file));
      const { manifest, outcome } = corpus ? await importCorpus(store, file, values, print) : await importPack(store, file, print);
      print(`${manifest.id} ${manifest.version}: ${outcome} (${manifest.excerptCount} excerpts).`);
      if (values.publish) await published(store, await store.publish(manifest.id, manifest.version), print);
    },
  },
  packs: {
    usage: 'packs',
    help: 'list stored pack versions and which one tablets get',
    run({ dataDir, db, print }) {
      const packs = new PackStore(db, dataDir).list();
      if (packs.length === 0) {
        print('No packs yet: import one with pack-import.');
        return;
      }
      const rows = [
        ['id', 'version', 'excerpts', 'published', 'signed'],
        ...packs.map((p) => [
          p.manifest.id,
          p.manifest.version,
          String(p.manifest.excerptCount),
          p.status,
          p.signature ? `key ${p.signature.keyId}` : p.publishedAt ? 'unsigned' : '',
        ]),
      ];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const row of rows)
        print(
          row
            .map((cell, i) => cell.padEnd(widths[i]!))
            .join('  ')
            .trimEnd(),
        );
    },
  },
  'pack-publish': {
    usage: 'pack-publish <id> <version>',
    help: 'make a stored pack version the one tablets get (also rolls back)',
    async run({ dataDir, db, print }, [id, version]) {
      if (!id || !version) throw new Error('Usage: pack-publish <id> <version>');
      const store = new PackStore(db, dataDir);
      await published(store, await store.publish(id, version), print);
    },
  },
  'pack-unpublish': {
    usage: 'pack-unpublish <id>',
    help: 'withdraw every version of a pack: tablets remove it at their next sync',
    run({ dataDir, db, print }, [id]) {
      if (!id) throw new Error('Which pack? Usage: pack-unpublish <id> (see: npm run admin -- packs)');
      const versions = new PackStore(db, dataDir).unpublish(id);
      print(
        versions > 0
          ? `${id}: unpublished (${versions} version${versions === 1 ? '' : 's'}); tablets remove it at their next sync.`
          : `${id}: no version was published; nothing changed.`,
      );
    },
  },
};

async function published(store: PackStore, pack: StoredPack, print: (line: string) => void): Promise<void> {
  const { id, version } = pack.manifest;
  print(`${id} ${version}: published; tablets get it at their next sync.`);
  print(pack.signature ? `${id} ${version}: signed with publisher key ${pack.signature.keyId}.` : unsignedNotice(`${id} ${version}`));
  print(`${id} ${version}: preparing updates for tablets that hold an earlier version…`);
  await prepareDeltas(store, pack);
}

function importPack(store: PackStore, file: string, print: (line: string) => void) {
  print(`Reading pack ${file}…`);
  return store.importPack(createReadStream(file, 'utf8'), (read, expected) => {
    if (read % PROGRESS_EVERY === 0) print(`  ${read} of ${expected} excerpts read`);
  });
}

function importCorpus(
  store: PackStore,
  file: string,
  options: { id?: string; title?: string; language?: string; version?: string },
  print: (line: string) => void,
) {
  const packId = options.id ?? defaultPackId(file);
  print(`Reading corpus ${file} into pack ${packId}…`);
  const corpusOptions = { packId, title: options.title ?? packId, language: options.language, version: options.version };
  return store.importCorpus(createReadStream(file, 'utf8'), corpusOptions, (records) => {
    if (records % PROGRESS_EVERY === 0) print(`  ${records} records read`);
  });
}

/** A pack's first line is its manifest; anything else is taken for a corpus. */
async function isPackFile(file: string): Promise<boolean> {
  const input = createReadStream(file, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      try {
        return (JSON.parse(line) as { format?: unknown }).format === PACK_FORMAT;
      } catch {
        // Not JSON: the pack reader then names the line.
        return true;
      }
    }
    return true;
  } finally {
    lines.close();
    input.destroy();
  }
}

/** "guidelines.jsonl" → "guidelines": a valid pack id from the file name. */
function defaultPackId(file: string): string {
  const id = basename(file)
    .replace(/\.[^.]*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 80);
  return id || 'guidelines';
}
