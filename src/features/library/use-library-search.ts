import { useEffect, useState } from 'react';
import { library } from '../../db/library';
import { type LibrarySearchResult, searchLibrary } from '../../db/library-queries';

export type SearchState =
  | { status: 'idle' }
  | { status: 'searching'; previous?: LibrarySearchResult }
  | { status: 'done'; result: LibrarySearchResult }
  | { status: 'failed' };

const DEBOUNCE_MS = 120;

/** Searches as the user types; results of an older query never overwrite a newer one. */
/** `language`: the UI language, what a question too short to tell is taken to be written in. */
export function useLibrarySearch(query: string, source: string, packsVersion: number, language?: string): SearchState {
  const [state, setState] = useState<SearchState>({ status: 'idle' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: packsVersion is a trigger: results change when packs do
  useEffect(() => {
    if (!query.trim()) {
      setState({ status: 'idle' });
      return;
    }
    let current = true;
    setState((s) => ({ status: 'searching', previous: s.status === 'done' ? s.result : undefined }));
    const timer = setTimeout(() => {
      const { db, store } = library();
      searchLibrary(db, store, query, { limit: 20, sources: source ? [source] : undefined, lang: language }).then(
        (result) => current && setState({ status: 'done', result }),
        () => current && setState({ status: 'failed' }),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, source, packsVersion, language]);
  return state;
}
