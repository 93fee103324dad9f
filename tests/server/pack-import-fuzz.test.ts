import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../server/src/db/database';
import { ServerError } from '../../server/src/errors';
import { PackStore } from '../../server/src/packs/pack-store';
import { ERROR_CODES } from '../../src/core/errors/app-error';
import { makeExcerpts, makePack } from '../fixtures/pack';
import {
  analysePack,
  FUZZ_HANG_MS,
  FUZZ_SEED,
  fuzzCases,
  INSTALLED_ID,
  INSTALLED_VERSION,
  installedPackParts,
  lineProblems,
  MUTATION_KINDS,
  type PackCase,
  type PackFacts,
  preview,
} from '../fixtures/pack-mutations';
import { pick, seededRandom } from '../fixtures/random';

// Pack import on the clinic server, fuzzed: every mutated file goes to PackStore.importPack the
// two ways the server reads one: whole, as the admin API decodes an upload, and streamed from a
// file in small chunks, as `npm run admin -- packs import` does. Each is either stored exactly as
// the file says or refused with a ServerError carrying the app's code and a message; a refusal
// leaves the packs table and every file under the data directory as they were, with no stray
// temporary file. Case n reproduces alone: mutatedPack(SEED, n).

const SEED = FUZZ_SEED;
const HANG_MS = FUZZ_HANG_MS;
const { cases, byKind } = fuzzCases();
const PACK_CODES = new Set<string>(ERROR_CODES.filter((c) => c.startsWith('pack/')));

let dbDir: string;
let dataDir: string;
let uploads: string;
let db: Db;
let store: PackStore;
let baseline: State;

interface State {
  rows: unknown[];
  /** Every file and folder under the data directory: path, and size and SHA-256 for files. */
  tree: string[];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(`${relative(dataDir, path)}/`);
      walk(path, out);
    } else {
      const data = readFileSync(path);
      out.push(`${relative(dataDir, path)} ${data.length} ${createHash('sha256').update(data).digest('hex')}`);
    }
  }
  return out.sort();
}

function state(): State {
  return { rows: db.prepare('SELECT * FROM packs ORDER BY id, version').all(), tree: walk(dataDir) };
}

beforeAll(async () => {
  // The database lives outside the data directory, so the files compared are exactly the packs'.
  dbDir = mkdtempSync(join(tmpdir(), 'meditron-fuzz-db-'));
  dataDir = mkdtempSync(join(tmpdir(), 'meditron-fuzz-data-'));
  uploads = mkdtempSync(join(tmpdir(), 'meditron-fuzz-uploads-'));
  db = openDatabase(join(dbDir, 'clinic.sqlite'));
  store = new PackStore(db, dataDir);
  const { manifest, excerpts } = installedPackParts();
  await store.importPack([makePack({ id: manifest.id, version: manifest.version, excerpts })]);
  await store.publish(INSTALLED_ID, INSTALLED_VERSION);
  baseline = state();
});

afterAll(() => {
  db?.close();
  for (const dir of [dbDir, dataDir, uploads]) if (dir) rmSync(dir, { recursive: true, force: true });
  const lines = Object.entries(tally).map(([kind, t]) => `${kind.padEnd(15)} ${String(t.cases).padStart(4)} cases: ${summary(t)}`);
  console.log(`pack import fuzz (server), seed ${SEED}, ${cases.length} cases:\n${lines.join('\n')}`);
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

/** Even cases as the admin API reads an upload, odd ones streamed like the admin command, in chunks of a random size. */
function importCase(c: PackCase): Promise<{ ok: Awaited<ReturnType<PackStore['importPack']>> } | { error: unknown } | 'hang'> {
  let chunks: Iterable<string> | AsyncIterable<string>;
  if (c.n % 2 === 0) {
    chunks = [Buffer.from(c.bytes).toString('utf8')];
  } else {
    const file = join(uploads, 'upload.jsonl');
    writeFileSync(file, c.bytes);
    // Tiny chunks only for small files: the admin command reads 64 KiB at a time.
    const highWaterMark = c.bytes.length > 20_000 ? 65_536 : pick(seededRandom(SEED + c.n), [7, 64, 1024, 65_536]);
    chunks = createReadStream(file, { encoding: 'utf8', highWaterMark });
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), HANG_MS);
  });
  const run = store.importPack(chunks).then(
    (ok) => ({ ok }),
    (error: unknown) => ({ error }),
  );
  return Promise.race([run, hang]).finally(() => clearTimeout(timer));
}

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

function stateProblems(what: string): string[] {
  const now = state();
  const problems: string[] = [];
  if (!isDeepStrictEqual(now.rows, baseline.rows))
    problems.push(`${what}, but the packs table changed: ${JSON.stringify(now.rows)} was ${JSON.stringify(baseline.rows)}`);
  const added = now.tree.filter((e) => !baseline.tree.includes(e));
  const removed = baseline.tree.filter((e) => !now.tree.includes(e));
  if (added.length > 0 || removed.length > 0) {
    problems.push(`${what}, but files changed: added [${added.join(', ')}], removed or changed [${removed.join(', ')}]`);
  }
  return problems;
}

function refusalProblems(error: unknown, facts: PackFacts): string[] {
  if (!(error instanceof ServerError)) {
    return [`threw ${(error as Error)?.name ?? typeof error} instead of a ServerError: ${String((error as Error)?.message ?? error)}`];
  }
  const problems: string[] = [];
  const appCode = error.details?.appCode;
  if (error.code !== 'request/invalid' && error.code !== 'request/conflict') problems.push(`code "${error.code}"`);
  if (typeof appCode !== 'string' || !PACK_CODES.has(appCode)) problems.push(`no pack/* app code (appCode ${String(appCode)})`);
  if (error.code === 'request/conflict' && appCode !== 'pack/version-conflict')
    problems.push(`a conflict with app code ${String(appCode)}`);
  if (!error.message.trim()) problems.push('refused without a message');
  problems.push(...lineProblems(String(appCode), error.message, error.details, facts));
  return problems;
}

/** The stored version must be the file's content, in its canonical form, with matching compressed copies. */
function acceptanceProblems(outcome: string, facts: PackFacts): string[] {
  if (facts.mustRefuse !== null || !facts.expected) return [`accepted, but ${facts.mustRefuse}`];
  const { manifest, excerpts } = facts.expected;
  const [id, version] = [String(manifest.id), String(manifest.version)];
  const before = baseline.rows.find((r) => (r as { id: string }).id === id && (r as { version: string }).version === version) as
    | { manifest: string }
    | undefined;
  if (outcome === 'unchanged') {
    const problems = stateProblems('"unchanged"');
    if (!before || (JSON.parse(before.manifest) as { contentHash: string }).contentHash !== manifest.contentHash) {
      problems.push('"unchanged", but that version was not stored with that content');
    }
    return problems;
  }
  const problems: string[] = [];
  if (before) problems.push(`"${outcome}" over a stored version`);
  const row = db.prepare('SELECT * FROM packs WHERE id = ? AND version = ?').get(id, version) as
    | { manifest: string; file: string; size: number; published_at: string | null }
    | undefined;
  if (!row) return [...problems, `"${outcome}", but no row for ${id} ${version}`];
  if (!isDeepStrictEqual(JSON.parse(row.manifest), plain(manifest)))
    problems.push(`stored manifest differs: ${row.manifest.slice(0, 200)}`);
  if (row.published_at !== null) problems.push('an import published the version');
  const path = join(dataDir, row.file);
  const data = readFileSync(path);
  if (data.length !== row.size) problems.push(`row size ${row.size}, file ${data.length} bytes`);
  const lines = data.toString('utf8').split('\n');
  if (lines.pop() !== '') problems.push('the stored file does not end with a newline');
  const [storedManifest, ...storedExcerpts] = lines.map((l) => JSON.parse(l) as unknown);
  if (!isDeepStrictEqual(storedManifest, plain(manifest))) problems.push('the stored file has another manifest');
  if (!isDeepStrictEqual(storedExcerpts, plain(excerpts)))
    problems.push(`the stored file's excerpts differ from the file's ${excerpts.length}`);
  if (!gunzipSync(readFileSync(`${path}.gz`)).equals(data)) problems.push('the .gz copy differs');
  if (!brotliDecompressSync(readFileSync(`${path}.br`)).equals(data)) problems.push('the .br copy differs');
  const added = walk(dataDir).filter((e) => !baseline.tree.includes(e));
  const expectedFiles = [row.file, `${row.file}.br`, `${row.file}.gz`];
  const stray = added.filter((e) => !e.endsWith('/') && !expectedFiles.includes(e.split(' ')[0]!));
  if (stray.length > 0) problems.push(`stray files: ${stray.join(', ')}`);
  // Back to the starting state: the row, the three files, and any folder the import made.
  db.prepare('DELETE FROM packs WHERE id = ? AND version = ?').run(id, version);
  for (const f of expectedFiles) rmSync(join(dataDir, f), { force: true });
  for (const dir of added.filter((e) => e.endsWith('/')).sort((a, b) => b.length - a.length)) rmdirSync(join(dataDir, dir));
  problems.push(...stateProblems('after putting back the starting state'));
  return problems;
}

async function check(c: PackCase): Promise<string[]> {
  const facts = analysePack(Buffer.from(c.bytes).toString('utf8'));
  const result = await importCase(c);
  if (result === 'hang') return [`no answer within ${HANG_MS} ms`];
  if ('ok' in result) {
    count(c.kind, `accepted (${result.ok.outcome})`);
    return acceptanceProblems(result.ok.outcome, facts);
  }
  const error = result.error;
  count(c.kind, error instanceof ServerError ? String(error.details?.appCode ?? error.code) : `THROWN ${String((error as Error)?.name)}`);
  const problems = [...refusalProblems(error, facts), ...stateProblems('refused')];
  return problems.some((p) => p.includes(' changed')) ? [...problems, 'STOP'] : problems;
}

describe('pack import on the clinic server, fuzzed', () => {
  it(`runs at least 1,000 mutated files of every kind (seed ${SEED})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    for (const kind of MUTATION_KINDS) expect(byKind(kind).length, kind).toBeGreaterThan(0);
  });

  it('starts from a store with the installed pack published in it', () => {
    expect(baseline.rows).toHaveLength(1);
    expect(baseline.tree.filter((e) => !e.endsWith('/'))).toHaveLength(3);
    expect(statSync(join(dataDir, 'packs', INSTALLED_ID)).isDirectory()).toBe(true);
  });

  it.each(MUTATION_KINDS)(
    '%s: stores exactly what a valid file says, refuses the rest with a message, changes nothing then',
    async (kind) => {
      const failures: string[] = [];
      for (const c of byKind(kind)) {
        const problems = await check(c);
        if (problems.length > 0) {
          failures.push(`case ${c.n} (${c.base}: ${c.detail}) [${preview(c.bytes)}]:\n    ${problems.join('\n    ')}`);
          // A changed store would make every later case fail for the wrong reason.
          if (problems.includes('STOP')) break;
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it('leaves the store as it was at the start', () => {
    expect(state()).toEqual(baseline);
  });

  it('takes "3.0" for the stored version "3": the same content is unchanged, other content a conflict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meditron-pack-versions-'));
    const versions = new PackStore(openDatabase(join(dir, 'clinic.sqlite')), dir);
    await versions.importPack([makePack({ id: 'who', version: '3' })]);
    expect((await versions.importPack([makePack({ id: 'who', version: '3.0' })])).outcome).toBe('unchanged');
    await expect(
      versions.importPack([makePack({ id: 'who', version: '03', excerpts: makeExcerpts(3, { tag: 'other' }) })]),
    ).rejects.toMatchObject({
      code: 'request/conflict',
      details: { appCode: 'pack/version-conflict' },
    });
    expect(versions.list().map((p) => p.manifest.version)).toEqual(['3']);
  });

  it('accepts a file that starts with a byte order mark, as the tablet does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meditron-pack-bom-'));
    const bom = new PackStore(openDatabase(join(dir, 'clinic.sqlite')), dir);
    expect((await bom.importPack([`\uFEFF${makePack({ id: 'bom' })}`])).outcome).toBe('imported');
  });
});
