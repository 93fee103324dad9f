import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors/app-error';
import { excerptsOfRecord, readCorpus } from '../../src/core/pack/corpus-reader';
import { contentHash, readPack, writePack } from '../../src/core/pack/pack-reader';
import { ExcerptSchema, PackManifestSchema } from '../../src/core/pack/pack-schema';
import { corpusFile, corpusRecord, markdownDoc } from '../fixtures/corpus';
import { chunksOf } from '../fixtures/pack';

const options = { packId: 'medlineplus', title: 'MedlinePlus', version: '2024.1', created: '2024-06-01' };

async function refusal(file: string): Promise<AppError> {
  try {
    await readCorpus([file], options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('readCorpus accepted a corpus it should have refused');
}

describe('excerptsOfRecord', () => {
  it('turns a record into one excerpt per section, with the document title and source', () => {
    const excerpts = excerptsOfRecord(corpusRecord(), 'en');
    expect(excerpts.map((e) => e.section)).toEqual(['Overview', 'Symptoms', 'Treatment']);
    expect(excerpts[1]).toMatchObject({
      docTitle: 'Anemia',
      source: 'MedlinePlus',
      url: 'https://medlineplus.gov/anemia.html',
      language: 'en',
      text: 'Tiredness, pale skin and shortness of breath on effort.',
    });
    expect(new Set(excerpts.map((e) => e.docId)).size).toBe(1);
    expect(new Set(excerpts.map((e) => e.id)).size).toBe(3);
  });

  it('gives the same ids when the same content comes back under different corpus record ids', () => {
    const first = excerptsOfRecord(corpusRecord({ id: 'scrape-2023-0001' }), 'en');
    const second = excerptsOfRecord(corpusRecord({ id: 'b7f3c9e2-new-scrape' }), 'en');
    expect(second.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(second.map((e) => e.docId)).toEqual(first.map((e) => e.docId));
  });

  it('gives different documents different ids', () => {
    const anemia = excerptsOfRecord(corpusRecord(), 'en');
    const other = excerptsOfRecord(corpusRecord({ url: 'https://medlineplus.gov/asthma.html', title: 'Asthma' }), 'en');
    const otherSource = excerptsOfRecord(corpusRecord({ source: 'NIH' }), 'en');
    expect(other[0]!.docId).not.toBe(anemia[0]!.docId);
    expect(otherSource[0]!.docId).not.toBe(anemia[0]!.docId);
    expect(new Set([...anemia, ...other, ...otherSource].map((e) => e.id)).size).toBe(anemia.length + other.length + otherSource.length);
  });

  it('numbers excerpts of one section and keeps the ids of the other sections when a section grows', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `Paragraph ${i} about iron tablets and diet. `.repeat(6)).join('\n\n');
    const record = (n: number) =>
      corpusRecord({
        clean_text: markdownDoc({
          sections: [
            ['Treatment', body(n)],
            ['Prevention', 'Eat iron-rich food.'],
          ],
        }),
      });
    const short = excerptsOfRecord(record(2), 'en', 300);
    const long = excerptsOfRecord(record(4), 'en', 300);
    const treatment = long.filter((e) => e.section === 'Treatment').map((e) => e.id);
    expect(treatment.length).toBeGreaterThan(2);
    expect(treatment.map((id) => id.split('.').pop())).toEqual(treatment.map((_, i) => String(i)));
    expect(long.find((e) => e.section === 'Prevention')!.id).toBe(short.find((e) => e.section === 'Prevention')!.id);
  });

  it('names an untitled document after its URL', () => {
    const [excerpt] = excerptsOfRecord(
      corpusRecord({ title: '  ', url: 'https://www.who.int/news-room/fact-sheets/malaria_fact-sheet.html?lang=en' }),
      'en',
    );
    expect(excerpt!.docTitle).toBe('who.int: malaria fact sheet');
  });

  it('names an untitled document without a usable URL "Untitled document", and drops the URL', () => {
    const [excerpt] = excerptsOfRecord(corpusRecord({ title: '', url: 'javascript:alert(1)' }), 'en');
    expect(excerpt!.docTitle).toBe('Untitled document');
    expect(excerpt!.url).toBeUndefined();
  });

  it('produces excerpts that the pack schema accepts', () => {
    for (const e of excerptsOfRecord(corpusRecord({ source: 'Centers for Disease Control & Prevention (CDC)' }), 'pt-BR')) {
      expect(ExcerptSchema.safeParse(e).success, e.id).toBe(true);
    }
  });
});

describe('readCorpus', () => {
  const records = [
    corpusRecord({ id: 'r1' }),
    corpusRecord({
      id: 'r2',
      source: 'WHO',
      title: 'Malaria',
      url: 'https://www.who.int/malaria',
      clean_text: '## Symptoms\nFever and chills.',
    }),
  ];

  it('reads records into a pack with a valid manifest', async () => {
    const pack = await readCorpus([corpusFile(records)], options);
    expect(pack.excerpts.map((e) => `${e.docTitle}/${e.section}`)).toEqual([
      'Anemia/Overview',
      'Anemia/Symptoms',
      'Anemia/Treatment',
      'Malaria/Symptoms',
    ]);
    expect(PackManifestSchema.safeParse(pack.manifest).success).toBe(true);
    expect(pack.manifest).toMatchObject({ id: 'medlineplus', version: '2024.1', excerptCount: 4, language: 'en' });
    expect(pack.manifest.sources.map((s) => s.name)).toEqual(['MedlinePlus', 'WHO']);
    expect(pack.manifest.contentHash).toBe(contentHash(pack.excerpts));
  });

  it('gives the same result in any chunking and with CRLF line endings', async () => {
    const file = corpusFile(records);
    const whole = await readCorpus([file], options);
    expect(await readCorpus(chunksOf(file.replace(/\n/g, '\r\n'), 7), options)).toEqual(whole);
  });

  it('gives the same excerpt ids and content hash when the next scrape renumbers the records', async () => {
    const before = await readCorpus([corpusFile(records)], options);
    const after = await readCorpus([corpusFile(records.map((r, i) => ({ ...r, id: `2025-scrape-${i + 100}` })))], options);
    expect(after.excerpts.map((e) => e.id)).toEqual(before.excerpts.map((e) => e.id));
    expect(after.manifest.contentHash).toBe(before.manifest.contentHash);
  });

  it('defaults the version to a dotted timestamp the schema accepts', async () => {
    const pack = await readCorpus([corpusFile(records)], { packId: 'p', title: 'P' });
    expect(pack.manifest.version).toMatch(/^\d{4}\.\d{4}\.\d{6}$/);
    expect(PackManifestSchema.safeParse(pack.manifest).success).toBe(true);
  });

  it('refuses an invalid record, naming its line and field', async () => {
    const file = corpusFile([records[0], records[1], { ...records[1], clean_text: '   ' }]);
    const error = await refusal(file);
    expect(error.code).toBe('corpus/invalid-record');
    expect(error.details).toMatchObject({ line: 3, field: 'clean_text' });
  });

  it('refuses a record with a missing field', async () => {
    const { source: _dropped, ...noSource } = records[0]!;
    const error = await refusal(corpusFile([records[1], noSource]));
    expect(error.code).toBe('corpus/invalid-record');
    expect(error.details).toMatchObject({ line: 2, field: 'source' });
  });

  it('refuses a line that is not JSON, naming it', async () => {
    const error = await refusal(`${corpusFile(records)}{"id": "r3",\n`);
    expect(error.code).toBe('pack/invalid-json');
    expect(error.details?.line).toBe(3);
  });

  it('refuses an empty file', async () => {
    expect((await refusal('')).code).toBe('pack/empty');
    expect((await refusal('\n\n')).code).toBe('pack/empty');
  });

  it('reports progress with the number of records read', async () => {
    const calls: number[] = [];
    await readCorpus([corpusFile(records)], options, (n) => calls.push(n));
    expect(calls.at(-1)).toBe(2);
  });

  // The corpus repeats some pages; readCorpus numbers repeated ids "<id>~1", but "~" is not allowed by
  // ExcerptSchema.id (/^[A-Za-z0-9._:-]{1,120}$/): the pack it builds cannot be written and read back.
  it('builds a pack that round-trips through writePack and readPack even when a page is repeated', async () => {
    const pack = await readCorpus([corpusFile([records[0], { ...records[0], id: 'r1-again' }])], options);
    expect(new Set(pack.excerpts.map((e) => e.id)).size).toBe(pack.excerpts.length);
    for (const e of pack.excerpts) expect(ExcerptSchema.safeParse(e).success, e.id).toBe(true);
    expect(await readPack([writePack(pack.manifest, pack.excerpts)])).toEqual(pack);
  });
});
