import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import { AppError } from '../../../src/core/errors/app-error';
import { type CorpusOptions, readCorpus } from '../../../src/core/pack/corpus-reader';
import { type ParsedPack, type ReadProgress, readPack, writePack } from '../../../src/core/pack/pack-reader';
import { type PackManifest, PackManifestSchema } from '../../../src/core/pack/pack-schema';
import { type PackSignature, PackSignatureSchema } from '../../../src/core/pack/pack-signature';
import { compareVersions } from '../../../src/core/pack/version';
import type { Db } from '../db/database';
import { ServerError } from '../errors';
import { ChangeLog } from '../sync/change-log';
import { PublisherKeys } from './publisher-keys';

export type ImportOutcome = 'imported' | 'unchanged';
export type PackStatus = 'current' | 'published' | 'unpublished';
type Chunks = AsyncIterable<string> | Iterable<string>;

export interface StoredPack {
  manifest: PackManifest;
  /** Relative to the data directory, so the directory can move. */
  file: string;
  size: number;
  etag: string;
  importedAt: string;
  publishedAt: string | null;
  status: PackStatus;
  /** The publisher key's signature, made when the version was published; null when published unsigned. */
  signature: PackSignature | null;
}

/** The encodings stored beside each pack file, best first; the file's ETag gets a suffix per encoding. */
export const PACK_ENCODINGS = [
  { encoding: 'br', extension: '.br' },
  { encoding: 'gzip', extension: '.gz' },
] as const;

interface PackRow {
  id: string;
  version: string;
  manifest: string;
  file: string;
  size: number;
  etag: string;
  imported_at: string;
  published_at: string | null;
  signature: string | null;
}

/** How each stored copy is made: once per file, at import (packs) or when first asked for (deltas). */
export const PACK_COMPRESSORS = {
  gzip: (data: Buffer) => promisify(gzip)(data, { level: 9 }),
  // Quality 9 is within a few per cent of 11 at a twentieth of the time: imports of big corpora stay quick.
  br: (data: Buffer) =>
    promisify(brotliCompress)(data, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: 9,
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
};

/**
 * Guideline packs kept by the server: each version a validated, canonical file in DATA/packs/<id>/
 * with gzip and brotli copies made once at import, and a row in `packs`. A version never changes
 * once stored. Older versions may still be imported (history, rollback); the current version of a
 * pack is the one published last, and only published versions reach tablets.
 */
export class PackStore {
  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    readonly keys: PublisherKeys = new PublisherKeys(dataDir),
  ) {}

  /** Validates a pack file with the app's reader (every line, count and hash) and stores it. */
  async importPack(chunks: Chunks, onProgress?: ReadProgress): Promise<{ manifest: PackManifest; outcome: ImportOutcome }> {
    return this.store(await validated(readPack(chunks, onProgress)));
  }

  /** Chunks a Meditron `guidelines` corpus into a pack with the app's corpus reader and stores it. */
  async importCorpus(
    chunks: Chunks,
    options: CorpusOptions,
    onProgress?: (recordsRead: number) => void,
  ): Promise<{ manifest: PackManifest; outcome: ImportOutcome }> {
    const pack = await validated(readCorpus(chunks, options, onProgress));
    // The reader takes id, language and version from the admin's options: check them as a pack's.
    const checked = PackManifestSchema.safeParse(pack.manifest);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      const field = issue.path.join('.');
      throw new ServerError('request/invalid', `Pack ${field} "${String(pack.manifest[field as keyof PackManifest])}": ${issue.message}.`, {
        field,
      });
    }
    return this.store(pack);
  }

  /**
   * Makes a version the current one for its pack, even an older one (rollback), signed with the
   * clinic's publisher key when it has one (`signature` stays null otherwise: the caller says so).
   * A version signed before keeps its signature when there is no key now.
   */
  async publish(id: string, version: string): Promise<StoredPack> {
    const row = this.row(id, version);
    if (!row) throw new ServerError('request/not-found', `No pack ${id} version ${version}: import it first.`, { id, version });
    const signer = await this.keys.signer();
    const signature = signer ? JSON.stringify(await signer.sign(JSON.parse(row.manifest) as PackManifest)) : row.signature;
    this.db
      .transaction(() => {
        if (this.get(id, version)?.status !== 'current') {
          // Strictly after the last publication of this pack, so "published last" never ties.
          const last = this.db.prepare('SELECT MAX(published_at) AS at FROM packs WHERE id = ?').get(id) as { at: string | null };
          const at = Math.max(Date.now(), last.at ? Date.parse(last.at) + 1 : 0);
          this.db.prepare('UPDATE packs SET published_at = ? WHERE id = ? AND version = ?').run(new Date(at).toISOString(), id, version);
        }
        this.db.prepare('UPDATE packs SET signature = ? WHERE id = ? AND version = ?').run(signature, id, version);
        new ChangeLog(this.db).record('pack', id);
      })
      .immediate();
    return this.get(id, version)!;
  }

  /**
   * Withdraws every version of a pack: tablets are told to remove it at their next sync, and its files are
   * no longer served. Publishing a version again brings it back. Returns how many versions were published.
   */
  unpublish(id: string): number {
    return this.db
      .transaction(() => {
        const stored = this.db.prepare('SELECT COUNT(*) AS n FROM packs WHERE id = ?').get(id) as { n: number };
        if (stored.n === 0) throw new ServerError('request/not-found', `No pack ${id} is stored.`, { id });
        const { changes } = this.db.prepare('UPDATE packs SET published_at = NULL WHERE id = ? AND published_at IS NOT NULL').run(id);
        if (changes > 0) new ChangeLog(this.db).record('pack', id, { deleted: true });
        return changes;
      })
      .immediate();
  }

  /**
   * Signs every published version with the active publisher key (after a key is made or rotated, so
   * tablets that trust only the new key still accept what they are offered). Returns how many.
   */
  async signPublished(): Promise<number> {
    const signer = await this.keys.signer();
    if (!signer) return 0;
    const rows = this.db.prepare('SELECT * FROM packs WHERE published_at IS NOT NULL').all() as PackRow[];
    const signed = await Promise.all(
      rows.map(async (row) => ({ row, signature: JSON.stringify(await signer.sign(JSON.parse(row.manifest) as PackManifest)) })),
    );
    const update = this.db.prepare('UPDATE packs SET signature = ? WHERE id = ? AND version = ?');
    const changes = new ChangeLog(this.db);
    this.db.transaction(() => {
      for (const { row, signature } of signed) update.run(signature, row.id, row.version);
      // Tablets get the new signatures of the versions they are offered.
      for (const id of new Set(signed.map(({ row }) => row.id))) changes.record('pack', id);
    })();
    return signed.length;
  }

  /** Every stored version, for the admin: by pack id, newest version first. */
  list(): StoredPack[] {
    const rows = this.db.prepare('SELECT * FROM packs').all() as PackRow[];
    const current = currentVersions(rows);
    return rows
      .map((row) => toStored(row, current))
      .sort((a, b) => a.manifest.id.localeCompare(b.manifest.id) || compareVersions(b.manifest.version, a.manifest.version));
  }

  /** The version of each pack that tablets should have. */
  current(): StoredPack[] {
    return this.list().filter((p) => p.status === 'current');
  }

  get(id: string, version: string): StoredPack | null {
    const row = this.row(id, version);
    if (!row) return null;
    const published = this.db.prepare('SELECT * FROM packs WHERE id = ? AND published_at IS NOT NULL').all(id) as PackRow[];
    return toStored(row, currentVersions(published));
  }

  /** Absolute path of a stored file (or of one of its compressed copies). */
  pathOf(pack: StoredPack, extension = ''): string {
    return join(this.dataDir, pack.file + extension);
  }

  private row(id: string, version: string): PackRow | undefined {
    return this.db.prepare('SELECT * FROM packs WHERE id = ? AND version = ?').get(id, version) as PackRow | undefined;
  }

  /**
   * Writes the canonical file and its compressed copies to temporary names, then, holding the
   * database's write lock (an admin command and the server may import at once), adds the row and
   * renames them into place: readers see a whole version or none.
   */
  private async store({ manifest, excerpts }: ParsedPack): Promise<{ manifest: PackManifest; outcome: ImportOutcome }> {
    if (this.unchanged(manifest)) return { manifest, outcome: 'unchanged' };
    const file = join('packs', manifest.id, `${manifest.version}.jsonl`);
    const target = join(this.dataDir, file);
    const data = Buffer.from(writePack(manifest, excerpts));
    const suffix = `.${randomBytes(6).toString('hex')}.tmp`;
    const parts = [
      { path: target, data },
      ...(await Promise.all(
        PACK_ENCODINGS.map(async (e) => ({ path: target + e.extension, data: await PACK_COMPRESSORS[e.encoding](data) })),
      )),
    ];
    mkdirSync(dirname(target), { recursive: true });
    try {
      await Promise.all(parts.map((p) => writeFile(p.path + suffix, p.data)));
      const outcome = this.db
        .transaction((): ImportOutcome => {
          if (this.unchanged(manifest)) return 'unchanged';
          this.db
            .prepare(
              'INSERT INTO packs (id, version, manifest, file, size, etag, imported_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)',
            )
            .run(manifest.id, manifest.version, JSON.stringify(manifest), file, data.length, etagOf(manifest), new Date().toISOString());
          // After the insert: a failed rename rolls the row back.
          for (const p of parts) renameSync(p.path + suffix, p.path);
          return 'imported';
        })
        .immediate();
      return { manifest, outcome };
    } finally {
      await Promise.all(parts.map((p) => rm(p.path + suffix, { force: true })));
    }
  }

  /** True when this exact version is stored; a version stored with other content is refused. */
  /** Versions that compare equal ("3", "3.0", "03") are one version: tablets could not tell them apart. */
  private unchanged(manifest: PackManifest): boolean {
    const rows = this.db.prepare('SELECT * FROM packs WHERE id = ?').all(manifest.id) as PackRow[];
    const row = rows.find((r) => compareVersions(r.version, manifest.version) === 0);
    if (!row) return false;
    if ((JSON.parse(row.manifest) as PackManifest).contentHash === manifest.contentHash) return true;
    throw new ServerError(
      'request/conflict',
      `Pack ${manifest.id} version ${manifest.version} is already stored with different content; give the new content a new version.`,
      { appCode: 'pack/version-conflict', id: manifest.id, version: manifest.version },
    );
  }
}

/**
 * A reader's AppError (it names the line and field) as a 400 the API and the admin command report;
 * `appCode` keeps the app's own code, which its UI already translates.
 */
async function validated(reading: Promise<ParsedPack>): Promise<ParsedPack> {
  try {
    return await reading;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new ServerError('request/invalid', error.message, { ...error.details, appCode: error.code });
  }
}

/**
 * Strong ETag of a stored version. The content hash covers the excerpts only, but a version's bytes
 * never change once stored (a same-version import with other content is refused), so it
 * identifies the file at its URL.
 */
function etagOf(manifest: PackManifest): string {
  return `"${manifest.contentHash}"`;
}

/** ETag of a compressed copy: another representation, so another strong validator. */
export function encodedEtag(etag: string, encoding: string): string {
  return `${etag.slice(0, -1)}.${encoding}"`;
}

/** "id version" of the version published last, per pack. */
function currentVersions(rows: PackRow[]): Set<string> {
  const latest = new Map<string, PackRow>();
  for (const row of rows) {
    if (!row.published_at) continue;
    const best = latest.get(row.id);
    if (!best || row.published_at > best.published_at!) latest.set(row.id, row);
  }
  return new Set([...latest.values()].map((r) => `${r.id} ${r.version}`));
}

function toStored(row: PackRow, current: Set<string>): StoredPack {
  return {
    manifest: JSON.parse(row.manifest) as PackManifest,
    file: row.file,
    size: row.size,
    etag: row.etag,
    importedAt: row.imported_at,
    publishedAt: row.published_at,
    status: current.has(`${row.id} ${row.version}`) ? 'current' : row.published_at ? 'published' : 'unpublished',
    signature: parseSignature(row.signature),
  };
}

function parseSignature(stored: string | null): PackSignature | null {
  if (!stored) return null;
  try {
    const parsed = PackSignatureSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
