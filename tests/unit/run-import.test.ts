import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES as KNOWN_CODES } from '../../src/core/errors/app-error';
import type { LibraryDb } from '../../src/db/library-db';
import { installPack } from '../../src/db/pack-install';
import type { ImportEvent, ImportSource } from '../../src/workers/import-protocol';
import { runImport } from '../../src/workers/run-import';
import { corpusFile, corpusRecord } from '../fixtures/corpus';
import { countRows, openTestLibrary, snapshot } from '../fixtures/library';
import { lineAsJson, makeExcerpts, makePack, makePackParts, replaceLine } from '../fixtures/pack';

const opened: LibraryDb[] = [];
function library(): LibraryDb {
  const db = openTestLibrary('import');
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

const fileOf = (content: string | Uint8Array<ArrayBuffer>) => new Blob([content]);

describe('runImport', () => {
  it('reads, indexes and writes a pack file, reporting progress, then done', async () => {
    const db = library();
    const text = makePack({ id: 'who', version: '3', excerpts: makeExcerpts(5) });
    const file = fileOf(text);
    const events = await importEvents(db, { kind: 'pack', file });

    const last = events.at(-1)!;
    expect(last).toMatchObject({ type: 'done', outcome: 'installed', manifest: { id: 'who', version: '3' } });
    const progress = events.slice(0, -1);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((e) => e.type === 'progress')).toBe(true);

    const phases = progress.map((e) => (e.type === 'progress' ? e.phase : ''));
    expect(phases.indexOf('read')).toBe(0);
    expect(phases.lastIndexOf('read')).toBeLessThan(phases.indexOf('index'));
    expect(phases.lastIndexOf('index')).toBeLessThan(phases.indexOf('write'));
    const lastRead = progress.filter((e) => e.type === 'progress' && e.phase === 'read').at(-1);
    expect(lastRead).toMatchObject({ done: file.size, total: file.size });
    const lastWrite = progress.at(-1)!;
    expect(lastWrite.type === 'progress' && lastWrite.done === lastWrite.total).toBe(true);

    expect(await countRows(db, 'who')).toMatchObject({ packs: 1, packSearch: 1, excerpts: 5 });
  });

  it('counts bytes, not characters, in read progress', async () => {
    const db = library();
    const excerpts = makeExcerpts(2).map((e) => ({ ...e, text: `${e.text} Diarrhée aiguë: donner des SRO.` }));
    const file = fileOf(makePack({ excerpts }));
    const events = await importEvents(db, { kind: 'pack', file });
    const reads = events.filter((e) => e.type === 'progress' && e.phase === 'read');
    expect(reads.at(-1)).toMatchObject({ done: file.size, total: file.size });
    expect(events.at(-1)!.type).toBe('done');
  });

  it('reports "unchanged" for a pack that is already installed', async () => {
    const db = library();
    const text = makePack({ id: 'who', excerpts: makeExcerpts(3) });
    await importEvents(db, { kind: 'pack', file: fileOf(text) });
    const events = await importEvents(db, { kind: 'pack', file: fileOf(text) });
    expect(events.at(-1)).toMatchObject({ type: 'done', outcome: 'unchanged' });
  });

  it('imports a guidelines corpus as a pack', async () => {
    const db = library();
    const file = fileOf(
      corpusFile([corpusRecord(), corpusRecord({ id: 'r2', title: 'Asthma', url: 'https://medlineplus.gov/asthma.html' })]),
    );
    const events = await importEvents(db, { kind: 'corpus', file, packId: 'medlineplus', title: 'MedlinePlus' });
    expect(events.at(-1)).toMatchObject({ type: 'done', outcome: 'installed', manifest: { id: 'medlineplus', excerptCount: 6 } });
    expect(await countRows(db, 'medlineplus')).toMatchObject({ packs: 1, excerpts: 6 });
  });

  it('emits exactly one error, with the AppError code and line, and installs nothing, for a corrupt file', async () => {
    const db = library();
    const text = makePack({ excerpts: makeExcerpts(4) });
    const corrupt = replaceLine(text, 3, lineAsJson(text, 3).id as string);
    const events = await importEvents(db, { kind: 'pack', file: fileOf(corrupt) });

    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(events.at(-1)).toBe(errors[0]);
    expect(events.some((e) => e.type === 'done')).toBe(false);
    expect(errors[0]).toMatchObject({ type: 'error', error: { code: 'pack/invalid-json', details: { line: 3 } } });
    expect(await snapshot(db)).toEqual({ packs: [], packSearch: [], excerpts: [], postings: [] });
  });

  it('emits one error for a tampered file and keeps the installed version', async () => {
    const db = library();
    await installPack(db, makePackParts({ id: 'who', version: '1', excerpts: makeExcerpts(3) }));
    const before = await snapshot(db);
    const text = makePack({ id: 'who', version: '2', excerpts: makeExcerpts(3, { tag: 'two' }) });
    const tampered = replaceLine(text, 2, JSON.stringify({ ...lineAsJson(text, 2), text: 'Give ten times the dose.' }));
    const events = await importEvents(db, { kind: 'pack', file: fileOf(tampered) });
    expect(events.filter((e) => e.type === 'error')).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'pack/hash-mismatch' }) }),
    ]);
    expect(events.at(-1)!.type).toBe('error');
    expect(await snapshot(db)).toEqual(before);
  });

  it('emits one error for an older version, as error data a worker can post', async () => {
    const db = library();
    await installPack(db, makePackParts({ id: 'who', version: '2', excerpts: makeExcerpts(3) }));
    const events = await importEvents(db, {
      kind: 'pack',
      file: fileOf(makePack({ id: 'who', version: '1', excerpts: makeExcerpts(3, { tag: 'old' }) })),
    });
    const error = events.at(-1)!;
    expect(error).toMatchObject({ type: 'error', error: { code: 'pack/older-version' } });
    expect(structuredClone(error)).toEqual(error);
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
  });

  it('emits one error and installs nothing for a file that is not UTF-8', async () => {
    const db = library();
    const text = makePack({ excerpts: makeExcerpts(2) });
    const bytes = new TextEncoder().encode(text);
    const broken = new Uint8Array([...bytes.subarray(0, 200), 0xff, 0xfe, ...bytes.subarray(200)]);
    const events = await importEvents(db, { kind: 'pack', file: fileOf(broken) });
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
    const last = events.at(-1)!;
    expect(last.type).toBe('error');
    expect(await db.packs.count()).toBe(0);
    // What reaches the page is plain data with a code the UI can translate.
    if (last.type !== 'error') return;
    expect(KNOWN_CODES).toContain(last.error.code);
    expect(structuredClone(last)).toEqual(last);
  });

  it('emits one error for an empty file', async () => {
    const db = library();
    const events = await importEvents(db, { kind: 'pack', file: fileOf('') });
    expect(events).toEqual([expect.objectContaining({ type: 'error', error: expect.objectContaining({ code: 'pack/empty' }) })]);
  });
});
