import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppErrorData, ERROR_CODES } from '../../src/core/errors/app-error';
import { numberedLines } from '../../src/core/pack/lines';
import { readPack } from '../../src/core/pack/pack-reader';
import { buildPackIndex } from '../../src/core/search/index-builder';
import type { LibraryDb } from '../../src/db/library-db';
import { installPack, removePack } from '../../src/db/pack-install';
import type { ImportEvent } from '../../src/workers/import-protocol';
import { runImport } from '../../src/workers/run-import';
import { openTestLibrary, snapshot } from '../fixtures/library';
import { makeExcerpt, makePack } from '../fixtures/pack';
import {
  analysePack,
  FUZZ_HANG_MS,
  FUZZ_SEED,
  fuzzCases,
  INSTALLED_ID,
  installedPackParts,
  lineProblems,
  MUTATION_KINDS,
  type PackCase,
  type PackFacts,
  preview,
} from '../fixtures/pack-mutations';
import { intBetween, seededRandom } from '../fixtures/random';

// Pack import on the tablet, fuzzed: every mutated file goes the way a chosen file goes (runImport:
// bytes, strict UTF-8 decoding, readPack, installPack into IndexedDB). Each one is either installed
// exactly as the file says or refused with a coded, translatable message, and a refusal leaves
// every table of the library exactly as it was. Case n reproduces alone: mutatedPack(SEED, n).

const SEED = FUZZ_SEED;
const HANG_MS = FUZZ_HANG_MS;
const { cases, byKind } = fuzzCases();

const english = JSON.parse(readFileSync(new URL('../../locales/en/common.json', import.meta.url), 'utf8')) as {
  errors: Record<string, string>;
};

let db: LibraryDb;
let baseline: Awaited<ReturnType<typeof fullSnapshot>>;
let baselineDigest: string;

/** Every table of the library, the pack tables through the fixtures' snapshot. */
async function fullSnapshot(library: LibraryDb) {
  return {
    ...(await snapshot(library)),
    settings: await library.settings.toArray(),
    outbox: await library.outbox.toArray(),
    models: await library.models.toArray(),
  };
}

/** A cheap fingerprint of the whole library: equal digests, equal libraries. */
async function digest(): Promise<string> {
  return createHash('sha256')
    .update(JSON.stringify(await fullSnapshot(db)))
    .digest('hex');
}

beforeAll(async () => {
  db = openTestLibrary('fuzz');
  await installPack(db, installedPackParts());
  await db.settings.put({
    key: 'clinic',
    value: { origin: 'https://clinic.test', deviceId: 'd1', deviceName: 'Tablet 1', token: 't', enrolledAt: '2024-05-01T00:00:00Z' },
  });
  baseline = await fullSnapshot(db);
  baselineDigest = await digest();
});

afterAll(async () => {
  await db?.delete();
  const lines = Object.entries(tally).map(([kind, t]) => `${kind.padEnd(15)} ${String(t.cases).padStart(4)} cases: ${summary(t)}`);
  console.log(`pack import fuzz (tablet), seed ${SEED}, ${cases.length} cases:\n${lines.join('\n')}`);
});

interface Tally {
  cases: number;
  outcomes: Record<string, number>;
}
const tally: Record<string, Tally> = {};
const summary = (t: Tally) =>
  Object.entries(t.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([o, n]) => `${o} ${n}`)
    .join(', ');
function count(kind: string, outcome: string) {
  tally[kind] ??= { cases: 0, outcomes: {} };
  tally[kind].cases++;
  tally[kind].outcomes[outcome] = (tally[kind].outcomes[outcome] ?? 0) + 1;
}

/** The file as a Blob of one to four parts cut at random bytes (inside characters too). */
function blobOf(c: PackCase): Blob {
  const random = seededRandom(SEED + c.n);
  const cuts = Array.from({ length: intBetween(random, 0, 3) }, () => intBetween(random, 0, c.bytes.length)).sort((a, b) => a - b);
  const bounds = [0, ...cuts, c.bytes.length];
  return new Blob(bounds.slice(1).map((end, k) => c.bytes.slice(bounds[k], end)));
}

async function importCase(c: PackCase): Promise<ImportEvent[] | 'hang'> {
  const events: ImportEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), HANG_MS);
  });
  try {
    return await Promise.race([runImport(db, { kind: 'pack', file: blobOf(c) }, (e) => events.push(e)).then(() => events), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Text as the tablet decodes it (strict UTF-8, the BOM kept for the reader), or null when it is not UTF-8. */
function decoded(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** Puts a pack's rows back as they were before the fuzzing, after a file was legitimately installed. */
async function restore(id: string): Promise<void> {
  await db.transaction('rw', [db.packs, db.packSearch, db.excerpts, db.postings], async () => {
    await removePack(db, id);
    await db.packs.bulkPut(baseline.packs.filter((p) => p.id === id));
    await db.packSearch.bulkPut(baseline.packSearch.filter((p) => p.packId === id));
    await db.excerpts.bulkPut(baseline.excerpts.filter((e) => e.packId === id));
    await db.postings.bulkPut(baseline.postings.filter((p) => p.packId === id));
  });
}

/** What is wrong with a refusal's error data, if anything. */
function refusalProblems(error: AppErrorData, facts: PackFacts | null): string[] {
  const problems: string[] = [];
  if (!(ERROR_CODES as readonly string[]).includes(error.code)) problems.push(`code "${error.code}" is not an app error code`);
  if (error.code === 'unknown') problems.push(`refused as "unknown" (an uncoded exception): ${error.message}`);
  if (typeof error.message !== 'string' || !error.message.trim()) problems.push('refused without a message');
  const words = english.errors[error.code];
  if (!words) problems.push(`no English message for "${error.code}"`);
  for (const [, name] of words?.matchAll(/\{\{(\w+)\}\}/g) ?? []) {
    if (name !== 'message' && error.details?.[name!] === undefined)
      problems.push(`the message needs "${name}", which the error does not give`);
  }
  problems.push(...lineProblems(error.code, error.message, error.details, facts));
  return problems;
}

/** What is wrong with an accepted file: it must be valid, and stored exactly as it says. */
async function acceptanceProblems(outcome: string, facts: PackFacts | null): Promise<string[]> {
  if (!facts) return ['a file that is not UTF-8 was accepted'];
  if (facts.mustRefuse !== null || !facts.expected) return [`accepted, but ${facts.mustRefuse}`];
  const { manifest, excerpts } = facts.expected;
  const id = String(manifest.id);
  const installedBefore = baseline.packs.find((p) => p.id === id);
  const problems: string[] = [];
  if (outcome === 'unchanged') {
    if (installedBefore?.manifest.contentHash !== manifest.contentHash) problems.push('"unchanged", but that content was not installed');
    if ((await digest()) !== baselineDigest) problems.push('"unchanged", but the library changed');
    return problems;
  }
  if (outcome !== (installedBefore ? 'replaced' : 'installed')) problems.push(`outcome "${outcome}" for pack ${id}`);
  const stored = await db.packs.get(id);
  if (!isDeepStrictEqual(plain(stored?.manifest), plain(manifest)))
    problems.push(`stored manifest differs: ${JSON.stringify(stored?.manifest)}`);
  const rows = await db.excerpts.where('[packId+ordinal]').between([id, Dexie.minKey], [id, Dexie.maxKey]).toArray();
  if (rows.some((r, k) => r.ordinal !== k)) problems.push('stored excerpts are not numbered 0..n-1');
  const storedExcerpts = rows.map(({ packId: _p, ordinal: _o, ...e }) => e);
  if (!isDeepStrictEqual(plain(storedExcerpts), plain(excerpts)))
    problems.push(`stored excerpts differ from the file's ${excerpts.length}`);
  if ((await db.packSearch.get(id))?.docCount !== excerpts.length) problems.push('search metadata missing or wrong');
  const postings = await db.postings.where('[packId+term]').between([id, Dexie.minKey], [id, Dexie.maxKey]).count();
  const expectedPostings = buildPackIndex(id, storedExcerpts).postings.size;
  if (postings !== expectedPostings) problems.push(`${postings} posting rows, expected ${expectedPostings}`);
  await restore(id);
  if ((await digest()) !== baselineDigest) problems.push('rows of other packs changed');
  return problems;
}

async function check(c: PackCase): Promise<string[]> {
  const text = decoded(c.bytes);
  const facts = text === null ? null : analysePack(text);
  const result = await importCase(c);
  if (result === 'hang') return [`no answer within ${HANG_MS} ms`];
  const last = result.at(-1);
  const problems: string[] = [];
  if (!last || last.type === 'progress') return ['the import ended without "done" or "error"'];
  if (result.slice(0, -1).some((e) => e.type !== 'progress')) problems.push('more than one "done"/"error" event');
  if (last.type === 'done') {
    count(c.kind, `accepted (${last.outcome})`);
    problems.push(...(await acceptanceProblems(last.outcome, facts)));
    return problems;
  }
  count(c.kind, last.error.code);
  problems.push(...refusalProblems(last.error, facts));
  if ((await digest()) !== baselineDigest) {
    problems.push('refused, but the library changed');
    return [...problems, 'STOP'];
  }
  return problems;
}

describe('pack import on the tablet, fuzzed', () => {
  it(`runs at least 1,000 mutated files of every kind (seed ${SEED})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    for (const kind of MUTATION_KINDS) expect(byKind(kind).length, kind).toBeGreaterThan(0);
  });

  it('starts from a library with the installed pack in it', async () => {
    expect(baseline.packs.map((p) => p.id)).toEqual([INSTALLED_ID]);
    expect(baseline.excerpts.length).toBe(installedPackParts().excerpts.length);
  });

  it.each(MUTATION_KINDS)(
    '%s: installs exactly what a valid file says, refuses the rest with a message, changes nothing then',
    async (kind) => {
      const failures: string[] = [];
      for (const c of byKind(kind)) {
        const problems = await check(c);
        if (problems.length > 0) {
          failures.push(`case ${c.n} (${c.base}: ${c.detail}) [${preview(c.bytes)}]:\n    ${problems.join('\n    ')}`);
          // A changed library would make every later case fail for the wrong reason.
          if (problems.includes('STOP')) break;
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it('leaves the library as it was at the start', async () => {
    expect(await digest()).toBe(baselineDigest);
    expect(await fullSnapshot(db)).toEqual(baseline);
  });

  it('refuses bytes that are not UTF-8 as such, and an excerpt citing an undeclared source', async () => {
    const events: ImportEvent[] = [];
    await runImport(db, { kind: 'pack', file: new Blob([new Uint8Array([0x7b, 0xff, 0x7d])]) }, (e) => events.push(e));
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'pack/not-text' } });
    const undeclared = makePack({
      excerpts: [makeExcerpt(1, { source: 'NOT-DECLARED' })],
      manifest: { sources: [{ name: 'WHO', publisher: 'WHO', title: 'WHO guidelines' }] },
    });
    await expect(readPack([undeclared])).rejects.toMatchObject({ code: 'pack/invalid-field', details: { line: 2, field: 'source' } });
    expect(await digest()).toBe(baselineDigest);
  });

  it('reads a line split over many chunks, whatever its length', async () => {
    const long = 'x'.repeat(300_000);
    const chunks = ['\uFEFF{"a":1}\n', ...long.match(/.{1,1000}/g)!, '\r\nlast'];
    const lines: { line: number; text: string }[] = [];
    for await (const l of numberedLines(chunks)) lines.push(l);
    expect(lines).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: long },
      { line: 3, text: 'last' },
    ]);
  });
});
