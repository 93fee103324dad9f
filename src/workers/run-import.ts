import { AppError, toErrorData } from '../core/errors/app-error';
import { readCorpus } from '../core/pack/corpus-reader';
import { readPack } from '../core/pack/pack-reader';
import { verifyPackSignature } from '../core/pack/pack-signature';
import type { LibraryDb } from '../db/library-db';
import { installPack } from '../db/pack-install';
import type { ImportEvent, ImportSource } from './import-protocol';

/** Reads, validates and installs a pack, reporting progress; never throws, ends with done or error. */
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
    const parsed =
      source.kind === 'corpus'
        ? await readCorpus(iterate(text), { packId: source.packId, title: source.title, language: source.language }, readProgress)
        : await readPack(iterate(text), readProgress);
    // Refused here, before the install transaction: an unsigned or altered pack leaves the library as it was.
    if ('trust' in source && source.trust) await verifyPackSignature(parsed.manifest, source.trust.signature, source.trust.keys);
    const outcome = await installPack(db, parsed, (p) => emit({ type: 'progress', ...p }));
    emit({ type: 'done', outcome, manifest: parsed.manifest });
  } catch (error) {
    emit({ type: 'error', error: toErrorData(error) });
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
