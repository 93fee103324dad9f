import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors/app-error';
import { contentHash, readPack, writePack } from '../../src/core/pack/pack-reader';
import type { Excerpt } from '../../src/core/pack/pack-schema';
import { compareVersions } from '../../src/core/pack/version';
import { chunksOf, lineAsJson, makeExcerpt, makeExcerpts, makePack, makePackParts, replaceLine } from '../fixtures/pack';

/** The AppError a read throws; fails the test if the read succeeds or throws something else. */
async function refusal(chunks: Iterable<string> | AsyncIterable<string>): Promise<AppError> {
  try {
    await readPack(chunks);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('readPack accepted a pack it should have refused');
}

describe('readPack: valid packs', () => {
  it('reads the manifest and every excerpt of a valid pack, in order', async () => {
    const parts = makePackParts({ excerpts: makeExcerpts(4) });
    const pack = await readPack([writePack(parts.manifest, parts.excerpts)]);
    expect(pack.manifest).toEqual(parts.manifest);
    expect(pack.excerpts.map((e) => e.id)).toEqual(parts.excerpts.map((e) => e.id));
    expect(pack.excerpts[2]).toEqual(JSON.parse(JSON.stringify(parts.excerpts[2])));
  });

  it('accepts CRLF line endings', async () => {
    const file = makePack({ excerpts: makeExcerpts(3) });
    const crlf = file.replace(/\n/g, '\r\n');
    expect(crlf).toContain('\r\n');
    const pack = await readPack([crlf]);
    expect(pack.excerpts).toHaveLength(3);
    expect(pack.excerpts.every((e) => !/\r/.test(e.text))).toBe(true);
  });

  it('accepts a file without a newline after the last line, and blank lines in between', async () => {
    const file = makePack({ excerpts: makeExcerpts(2) });
    const loose = file.trimEnd().replace('\n', '\n\n');
    expect((await readPack([loose])).excerpts).toHaveLength(2);
  });

  it('gives the same result whatever the chunk boundaries', async () => {
    const parts = makePackParts({ excerpts: makeExcerpts(5) });
    const file = writePack(parts.manifest, parts.excerpts).replace(/\n/g, '\r\n');
    const whole = await readPack([file]);
    for (const size of [1, 2, 7, 13, 64]) {
      async function* stream() {
        for (const chunk of chunksOf(file, size)) yield chunk;
      }
      expect(await readPack(stream())).toEqual(whole);
    }
  });

  it('reports progress ending with every excerpt read', async () => {
    const calls: [number, number][] = [];
    await readPack([makePack({ excerpts: makeExcerpts(3) })], (read, expected) => calls.push([read, expected]));
    expect(calls.at(-1)).toEqual([3, 3]);
  });

  it('read excerpts hash to the manifest content hash, and their order matters', () => {
    const excerpts = makeExcerpts(3);
    expect(contentHash(excerpts)).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(contentHash([...excerpts].reverse())).not.toBe(contentHash(excerpts));
    expect(contentHash(excerpts.map((e) => ({ ...e })))).toBe(contentHash(excerpts));
  });

  // writePack and contentHash are the publisher's tools: whatever they write for a schema-valid
  // excerpt, readPack must accept. Today the schema trims strings while parsing (z.string().trim()),
  // so readPack hashes the trimmed text while the writer hashed the text as written.
  it('reads back what writePack wrote for an excerpt whose text has surrounding whitespace', async () => {
    const excerpts: Excerpt[] = [makeExcerpt(1, { text: '  Give oral rehydration salts.\n' })];
    const pack = await readPack([makePack({ excerpts })]);
    expect(pack.excerpts).toHaveLength(1);
  });
});

describe('readPack: refusals name the line and the field', () => {
  it('refuses invalid JSON on line N with that line number', async () => {
    const file = replaceLine(makePack({ excerpts: makeExcerpts(4) }), 3, '{"id": "doc2.overview.0", oops}');
    const error = await refusal([file]);
    expect(error.code).toBe('pack/invalid-json');
    expect(error.details?.line).toBe(3);
  });

  it('counts blank lines when it numbers lines', async () => {
    const file = makePack({ excerpts: makeExcerpts(3) }).replace('\n', '\n\n\n');
    const broken = replaceLine(file, 5, 'not json');
    expect((await refusal([broken])).details).toMatchObject({ line: 5 });
  });

  it('refuses an excerpt with a missing field, naming the line and the field', async () => {
    const file = makePack({ excerpts: makeExcerpts(3) });
    const excerpt = lineAsJson(file, 3);
    delete excerpt.section;
    const error = await refusal([replaceLine(file, 3, JSON.stringify(excerpt))]);
    expect(error.code).toBe('pack/invalid-field');
    expect(error.details).toMatchObject({ line: 3, field: 'section' });
    expect(error.message).toContain('Line 3');
  });

  it('refuses an excerpt whose field has the wrong type or shape', async () => {
    const file = makePack({ excerpts: makeExcerpts(2) });
    const error = await refusal([replaceLine(file, 2, JSON.stringify({ ...lineAsJson(file, 2), id: 'has spaces' }))]);
    expect(error.code).toBe('pack/invalid-field');
    expect(error.details).toMatchObject({ line: 2, field: 'id' });
  });

  it('refuses a bad manifest on line 1, naming the field', async () => {
    const file = makePack();
    for (const [field, value] of [
      ['format', 'something-else'],
      ['version', 'v2'],
      ['excerptCount', 0],
      ['language', 'English'],
    ] as const) {
      const error = await refusal([replaceLine(file, 1, JSON.stringify({ ...lineAsJson(file, 1), [field]: value }))]);
      expect(error.code).toBe('pack/invalid-field');
      expect(error.details).toMatchObject({ line: 1, field });
    }
  });

  it('names the nested field of a bad manifest source', async () => {
    const file = makePack();
    const manifest = lineAsJson(file, 1);
    const error = await refusal([replaceLine(file, 1, JSON.stringify({ ...manifest, sources: [{ name: 'WHO', publisher: 'WHO' }] }))]);
    expect(error.details).toMatchObject({ line: 1, field: 'sources.0.title' });
  });

  it('refuses a first line that is an excerpt, not a manifest', async () => {
    const file = makePack({ excerpts: makeExcerpts(2) });
    const error = await refusal([file.split('\n').slice(1).join('\n')]);
    expect(error.code).toBe('pack/invalid-field');
    expect(error.details?.line).toBe(1);
  });

  it('refuses a wrong content hash', async () => {
    const wrong = `sha256-${'0'.repeat(64)}`;
    const error = await refusal([makePack({ manifest: { contentHash: wrong } })]);
    expect(error.code).toBe('pack/hash-mismatch');
    expect(error.details).toMatchObject({ field: 'contentHash', expected: wrong });
  });

  it('refuses an excerpt altered after the hash was computed', async () => {
    const file = makePack({ excerpts: makeExcerpts(3) });
    const altered = replaceLine(file, 3, JSON.stringify({ ...lineAsJson(file, 3), text: 'Give 10 tablets at once.' }));
    expect((await refusal([altered])).code).toBe('pack/hash-mismatch');
  });

  it('refuses a file with fewer excerpts than announced as truncated', async () => {
    const file = makePack({ excerpts: makeExcerpts(4) });
    const cut = `${file.split('\n').slice(0, 3).join('\n')}\n`;
    const error = await refusal([cut]);
    expect(error.code).toBe('pack/truncated');
    expect(error.details).toMatchObject({ found: 2, expected: 4 });
  });

  it('refuses a file cut in the middle of a line as invalid JSON on that line', async () => {
    const file = makePack({ excerpts: makeExcerpts(4) });
    const lines = file.split('\n');
    const cutAt = lines.slice(0, 3).join('\n').length + 1 + Math.floor(lines[3]!.length / 2);
    const error = await refusal(chunksOf(file.slice(0, cutAt), 7));
    expect(error.code).toBe('pack/invalid-json');
    expect(error.details?.line).toBe(4);
  });

  it('refuses more excerpts than announced, naming the first extra line', async () => {
    const parts = makePackParts({ excerpts: makeExcerpts(3) });
    const file = writePack({ ...parts.manifest, excerptCount: 2 }, parts.excerpts);
    const error = await refusal([file]);
    expect(error.code).toBe('pack/count-mismatch');
    expect(error.details).toMatchObject({ line: 4, field: 'excerptCount' });
  });

  it('refuses a duplicate excerpt id, naming the line of the second one', async () => {
    const excerpts = [makeExcerpt(1), makeExcerpt(2), makeExcerpt(3, { id: makeExcerpt(1).id })];
    const error = await refusal([makePack({ excerpts })]);
    expect(error.code).toBe('pack/duplicate-excerpt');
    expect(error.details).toMatchObject({ line: 4, field: 'id' });
  });

  it('refuses an empty file, and one with only blank lines', async () => {
    expect((await refusal([''])).code).toBe('pack/empty');
    expect((await refusal([])).code).toBe('pack/empty');
    expect((await refusal(['\n', '  \r\n', '\n'])).code).toBe('pack/empty');
  });

  it('refuses a manifest with no excerpts after it as truncated', async () => {
    const file = makePack({ excerpts: makeExcerpts(2) });
    expect((await refusal([file.split('\n')[0]!])).code).toBe('pack/truncated');
  });
});

describe('compareVersions', () => {
  it('orders dotted versions numerically', () => {
    expect(compareVersions('1.10', '1.9')).toBe(1);
    expect(compareVersions('1.9', '1.10')).toBe(-1);
    expect(compareVersions('2', '10')).toBe(-1);
    expect(compareVersions('2026.1125.0930', '2026.1125.1000')).toBe(-1);
  });

  it('treats missing parts as zero', () => {
    expect(compareVersions('2', '2.0')).toBe(0);
    expect(compareVersions('2.0.0', '2')).toBe(0);
    expect(compareVersions('2.0.1', '2')).toBe(1);
    expect(compareVersions('1.2', '1.2')).toBe(0);
  });

  it('sorts a list of versions', () => {
    const sorted = ['1.10', '1.2', '2', '1.9.1', '1', '1.9'].sort(compareVersions);
    expect(sorted).toEqual(['1', '1.2', '1.9', '1.9.1', '1.10', '2']);
  });
});
