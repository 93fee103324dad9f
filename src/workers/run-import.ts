import Dexie from 'dexie';
import { AppError, toErrorData } from '../core/errors/app-error';
import { readCorpus } from '../core/pack/corpus-reader';
import { applyDelta, type DeltaStats, type PackDelta, readDelta } from '../core/pack/pack-delta';
import { contentHash, type ParsedPack, readPack } from '../core/pack/pack-reader';
import { verifyPackSignature, verifySignedPack } from '../core/pack/pack-signature';
import type { LibraryDb } from '../db/library-db';
import { installPack } from '../db/pack-install';
import type { ImportEvent, ImportSource, PackTrust } from './import-protocol';

/** Reads, validates and installs a pack (or a delta to one), reporting progress; never throws, ends with done or error. */
export async function runImport(db: LibraryDb, source: ImportSource, emit: (e: ImportEvent) => void): Promise<void> {
  try {
    const { stream, size } = await open(source);
    let bytes = 0;
    const counted = stream.pipeThrough(
      new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
        transform(chunk, controller) {
          bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    // The BOM is kept for the reader, which drops one as the server's does: both sides accept the same files.
    const text = counted.pipeThrough(new TextDecoderStream('utf-8', { fatal: true, ignoreBOM: true }));
    const readProgress = () => emit({ type: 'progress', phase: 'read', done: bytes, total: size ?? bytes });
    const { pack, stats } = await read(db, source, iterate(text), readProgress);
    // Refused here, before the install transaction: an unsigned or altered pack leaves the library as it was.
    if (source.kind === 'delta') await checkPatched(pack, source.trust);
    else if ('trust' in source && source.trust) await verifyPackSignature(pack.manifest, source.trust.signature, source.trust.keys);
    const outcome = await installPack(db, pack, (p) => emit({ type: 'progress', ...p }));
    emit({ type: 'done', outcome, manifest: pack.manifest, ...(stats ? { stats } : {}) });
  } catch (error) {
    emit({ type: 'error', error: toErrorData(error) });
  }
}

async function read(
  db: LibraryDb,
  source: ImportSource,
  chunks: AsyncIterable<string>,
  onRead: () => void,
): Promise<{ pack: ParsedPack; stats?: DeltaStats }> {
  if (source.kind === 'corpus') {
    return { pack: await readCorpus(chunks, { packId: source.packId, title: source.title, language: source.language }, onRead) };
  }
  if (source.kind === 'pack') return { pack: await readPack(chunks, onRead) };
  return patchInstalled(db, await readDelta(reportEach(chunks, onRead)));
}

/** The next version of an installed pack: its stored excerpts, in pack order, changed by the delta. */
async function patchInstalled(db: LibraryDb, delta: PackDelta): Promise<{ pack: ParsedPack; stats: DeltaStats }> {
  const { id, title } = delta.header.manifest;
  const installed = await db.packs.get(id);
  if (!installed) {
    const message = `${title} is not installed, so this update cannot be applied. The full pack will be downloaded instead.`;
    throw new AppError('pack/delta-mismatch', message, { installed: null, from: delta.header.from.version });
  }
  const stored = await db.excerpts.where('[packId+ordinal]').between([id, Dexie.minKey], [id, Dexie.maxKey]).toArray();
  const excerpts = stored.map(({ packId: _packId, ordinal: _ordinal, ...excerpt }) => excerpt);
  const { stats, ...pack } = applyDelta(installed.manifest, excerpts, delta);
  return { pack, stats };
}

/**
 * A pack put together from a delta was never read as a file, so it is checked here as readPack checks
 * one: the excerpt count and content hash, then the signature when the clinic requires one.
 */
async function checkPatched(pack: ParsedPack, trust: PackTrust | undefined): Promise<void> {
  if (trust) {
    await verifySignedPack(pack, trust.signature, trust.keys);
    return;
  }
  const actual = contentHash(pack.excerpts);
  if (actual !== pack.manifest.contentHash || pack.excerpts.length !== pack.manifest.excerptCount) {
    const message = "The updated excerpts do not match the manifest's content hash: the update was altered or damaged.";
    throw new AppError('pack/hash-mismatch', message, { field: 'contentHash', expected: pack.manifest.contentHash, actual });
  }
}

async function open(source: ImportSource): Promise<{ stream: ReadableStream<Uint8Array<ArrayBuffer>>; size?: number }> {
  if ('file' in source) return { stream: source.file.stream(), size: source.file.size };
  let response: Response;
  try {
    response = await fetch(source.url);
  } catch {
    throw new AppError('network/failed', `Could not download ${source.url}.`, { url: source.url });
  }
  if (!response.ok || !response.body) {
    throw new AppError('network/failed', `Downloading ${source.url} failed with HTTP ${response.status}.`, {
      url: source.url,
      status: response.status,
    });
  }
  const length = Number(response.headers.get('content-length'));
  return { stream: response.body, size: length > 0 ? length : undefined };
}

/** Passes chunks through, reporting after each: a delta's reader has no progress of its own. */
async function* reportEach(chunks: AsyncIterable<string>, report: () => void): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    yield chunk;
    report();
  }
}

async function* iterate(stream: ReadableStream<string>): AsyncGenerator<string> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read().catch((error: unknown) => {
        // The strict decoder's refusal: bytes that are not UTF-8 (a binary file, another encoding).
        if (error instanceof TypeError) throw new AppError('pack/not-text', 'The file is not UTF-8 text: it is damaged, or not a pack.');
        throw error;
      });
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
