import { CorpusRecordSchema, excerptsOfRecord } from '../../src/core/pack/corpus-reader';
import type { BenchQuery } from './protocol';

/** A query with what counts as a right answer, in our docIds. */
export interface JudgedQuery extends BenchQuery {
  relevant: ReadonlySet<string>;
  /** Section title a right answer sits in, when the query line names one. */
  section?: string;
}

export interface CorpusDocIds {
  records: number;
  /** Corpus record id → docIds of the records with that id (MedQuAD repeats a few ids). */
  byId: Map<string, string[]>;
}

/**
 * Maps corpus record ids to the docIds their excerpts get. A docId comes from source and URL (or
 * title), not from the corpus id, so it is derived by the very function the import uses.
 */
export function docIdsOfCorpus(corpusText: string): CorpusDocIds {
  const byId = new Map<string, string[]>();
  let records = 0;
  for (const line of corpusText.split('\n')) {
    if (!line.trim()) continue;
    records++;
    const record = CorpusRecordSchema.parse(JSON.parse(line));
    const first = excerptsOfRecord(record, 'en')[0];
    if (!first) continue;
    const ids = byId.get(record.id);
    if (ids) ids.push(first.docId);
    else byId.set(record.id, [first.docId]);
  }
  return { records, byId };
}

interface QueryLine {
  query: string;
  relevant_docs: string[];
  relevant_section?: string | null;
  lang?: string;
}

/** Query lines judged against the corpus; those with no relevant article in it are dropped. */
export function judgeQueries(
  queriesText: string,
  docIds: ReadonlyMap<string, readonly string[]>,
): { judged: JudgedQuery[]; dropped: number } {
  const judged: JudgedQuery[] = [];
  let dropped = 0;
  for (const line of queriesText.split('\n')) {
    if (!line.trim()) continue;
    const q = JSON.parse(line) as QueryLine;
    const relevant = new Set(q.relevant_docs.flatMap((id) => docIds.get(id) ?? []));
    if (relevant.size === 0) {
      dropped++;
      continue;
    }
    const entry: JudgedQuery = { query: q.query, relevant };
    if (q.relevant_section) entry.section = q.relevant_section;
    if (q.lang) entry.lang = q.lang;
    judged.push(entry);
  }
  return { judged, dropped };
}
