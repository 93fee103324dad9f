import { useLiveQuery } from 'dexie-react-hooks';
import { library } from '../../db/library';
import type { OutboxRow } from '../../db/library-db';
import type { SourceLink } from './AnswerText';

/** The item's numbered sources, with where each excerpt opens when it is still on this tablet. */
export function useSourceLinks(item: OutboxRow): SourceLink[] {
  const sources = item.prompt?.sources ?? [];
  const key = sources.map((s) => s.excerptId).join('\n');
  const found = useLiveQuery(async () => (key ? library().db.excerpts.where('id').anyOf(key.split('\n')).toArray() : []), [key]);
  return sources.map((s) => {
    const excerpt = found?.find((e) => e.id === s.excerptId);
    return { n: s.n, excerptId: s.excerptId, ...(excerpt ? { packId: excerpt.packId, docId: excerpt.docId } : {}) };
  });
}
