import { z } from 'zod';
import { AppError } from '../errors/app-error';
import { stableId } from '../util/sha256';
import { chunkMarkdown } from './chunker';
import { numberedLines } from './lines';
import { contentHash, type ParsedPack } from './pack-reader';
import { type Excerpt, PACK_FORMAT, PACK_FORMAT_VERSION, type PackManifest } from './pack-schema';
import { parseJsonLine, validateLine } from './validation';

/** One record of the Meditron `guidelines` corpus. */
export const CorpusRecordSchema = z.object({
  id: z.string().min(1),
  source: z.string().trim().min(1),
  /** Some scraped pages have none; the URL then names the document. */
  title: z.string(),
  clean_text: z.string().trim().min(1),
  raw_text: z.string().nullish(),
  url: z.string().nullish(),
  overview: z.string().nullish(),
});
export type CorpusRecord = z.infer<typeof CorpusRecordSchema>;

export interface CorpusOptions {
  packId: string;
  title: string;
  language?: string;
  publisher?: string;
  licence?: string;
  /** Defaults to the import time, so a re-import of changed content is newer. */
  version?: string;
  created?: string;
  maxChars?: number;
}

/**
 * Turns a corpus record into excerpts. Ids come from the source, URL (or title) and section, never
 * from the corpus's own record id, which changes between scrapes: re-importing the same source
 * yields the same excerpt ids.
 */
export function excerptsOfRecord(record: CorpusRecord, language: string, maxChars?: number): Excerpt[] {
  const url = validUrl(record.url);
  const title = record.title.trim() || titleOfUrl(url) || 'Untitled document';
  const docId = `${slug(record.source)}-${stableId(`${record.source}|${url ?? title.toLowerCase()}`)}`;
  const seen = new Map<string, number>();
  return chunkMarkdown(record.clean_text, { maxChars }).map((chunk) => {
    const key = chunk.section.toLowerCase();
    const ordinal = seen.get(key) ?? 0;
    seen.set(key, ordinal + 1);
    return {
      id: `${docId}.${stableId(key)}.${ordinal}`,
      docId,
      docTitle: title,
      section: chunk.section,
      text: chunk.text,
      source: record.source,
      url,
      language,
      citation: undefined,
    };
  });
}

/** Reads a `guidelines` JSONL corpus into a pack, validating every record first. */
export async function readCorpus(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: CorpusOptions,
  onProgress?: (recordsRead: number) => void,
): Promise<ParsedPack> {
  const language = options.language ?? 'en';
  const excerpts: Excerpt[] = [];
  const sources = new Set<string>();
  let records = 0;
  for await (const { line, text } of numberedLines(chunks)) {
    const record = validateLine(CorpusRecordSchema, parseJsonLine(text, line, 'corpus record'), line, 'corpus/invalid-record');
    sources.add(record.source);
    for (const e of excerptsOfRecord(record, language, options.maxChars)) excerpts.push(e);
    records++;
    if (onProgress && records % 200 === 0) onProgress(records);
  }
  if (records === 0) throw new AppError('pack/empty', 'The corpus file has no records.');
  dedupeIds(excerpts);
  onProgress?.(records);
  const now = new Date();
  const manifest: PackManifest = {
    format: PACK_FORMAT,
    formatVersion: PACK_FORMAT_VERSION,
    id: options.packId,
    title: options.title,
    version: options.version ?? versionOf(now),
    language,
    publisher: options.publisher ?? 'Local import',
    licence: options.licence ?? 'As stated by each source',
    created: options.created ?? now.toISOString(),
    sources: [...sources].sort().map((name) => ({ name, publisher: name, title: name })),
    excerptCount: excerpts.length,
    contentHash: contentHash(excerpts),
  };
  return { manifest, excerpts };
}

/** Two records of one source page (the corpus repeats some) would share ids: number the repeats. */
function dedupeIds(excerpts: Excerpt[]): void {
  const seen = new Map<string, number>();
  for (const e of excerpts) {
    const n = seen.get(e.id) ?? 0;
    seen.set(e.id, n + 1);
    if (n > 0) e.id = `${e.id}-${n}`;
  }
}

function versionOf(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}.${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}.${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

function validUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).protocol.startsWith('http') ? url : undefined;
  } catch {
    return undefined;
  }
}

function titleOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const [host, ...path] = url
    .replace(/^https?:\/\/(www\.)?/, '')
    .replace(/[?#].*$/, '')
    .split('/');
  const last = path.filter(Boolean).pop();
  return last ? `${host}: ${last.replace(/\.\w+$/, '').replace(/[-_]+/g, ' ')}` : host;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 24) || 'doc'
  );
}
