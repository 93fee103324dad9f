import { useLiveQuery } from 'dexie-react-hooks';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { hrefOf, replaceRoute } from '../../app/use-route';
import { Highlighted } from '../../components/Highlighted';
import { library } from '../../db/library';
import type { LibraryHit } from '../../db/library-queries';
import { sourceNames } from '../../db/library-queries';
import { directionOf } from '../../i18n/languages';
import { useLibrarySearch } from './use-library-search';

interface LibraryScreenProps {
  query: string;
  source: string;
  onChange: (query: string, source: string) => void;
}

export function LibraryScreen({ query, source, onChange }: LibraryScreenProps) {
  const { t, i18n } = useTranslation('library');
  const searchId = useId();
  const packs = useLiveQuery(() => library().db.packs.toArray(), []);
  const sources = useLiveQuery(() => sourceNames(library().db), [packs?.length]) ?? [];
  const packsVersion = packs?.map((p) => p.manifest.contentHash).join().length ?? 0;
  const state = useLibrarySearch(query, source, packsVersion, i18n.resolvedLanguage);
  const demoPacks = new Set(packs?.filter((p) => p.manifest.demo).map((p) => p.id));

  const update = (q: string, s: string) => {
    onChange(q, s);
    replaceRoute({ name: 'library', query: q, source: s });
  };

  const result = state.status === 'done' ? state.result : state.status === 'searching' ? state.previous : undefined;

  return (
    <section className="library" aria-labelledby={`${searchId}-heading`}>
      <h1 id={`${searchId}-heading`} className="visually-hidden">
        {t('heading')}
      </h1>
      <search className="search-bar">
        <label htmlFor={searchId} className="visually-hidden">
          {t('searchLabel')}
        </label>
        <input
          id={searchId}
          type="search"
          value={query}
          placeholder={t('searchPlaceholder')}
          onChange={(e) => update(e.target.value, source)}
          autoComplete="off"
          enterKeyHint="search"
        />
        {sources.length > 1 ? (
          <label className="source-filter">
            <span>{t('sourceFilter')}</span>
            <select value={source} onChange={(e) => update(query, e.target.value)}>
              <option value="">{t('allSources')}</option>
              {sources.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </search>

      <div
        className="results"
        aria-live="polite"
        aria-busy={state.status === 'searching'}
        data-query={state.status === 'done' ? query : undefined}
      >
        {packs?.length === 0 ? (
          <p className="empty">
            {t('noPacks')} <a href={hrefOf({ name: 'packs' })}>{t('goToPacks')}</a>
          </p>
        ) : state.status === 'idle' ? (
          <p className="hint">{t('hint')}</p>
        ) : state.status === 'failed' ? (
          <p className="error" role="alert">
            {t('searchFailed')}
          </p>
        ) : result && result.hits.length === 0 && state.status === 'done' ? (
          <p className="empty">{t('noResults')}</p>
        ) : result ? (
          <>
            <p className="visually-hidden">{t('resultCount', { count: result.hits.length })}</p>
            <ol className="hit-list">
              {result.hits.map((hit) => (
                <HitItem key={`${hit.excerpt.packId}/${hit.excerpt.id}`} hit={hit} query={query} demo={demoPacks.has(hit.excerpt.packId)} />
              ))}
            </ol>
          </>
        ) : null}
      </div>
    </section>
  );
}

function HitItem({ hit, query, demo }: { hit: LibraryHit; query: string; demo: boolean }) {
  const { t } = useTranslation('library');
  const { excerpt } = hit;
  // Excerpts keep their own language and direction inside an Arabic UI, and vice versa.
  const content = { lang: excerpt.language, dir: directionOf(excerpt.language) };
  const href = hrefOf({ name: 'document', packId: excerpt.packId, docId: excerpt.docId, excerptId: excerpt.id, query });
  return (
    <li className="hit">
      <a href={href} className="hit-link">
        <span className="hit-title" {...content}>
          {excerpt.docTitle}
        </span>
        <span className="hit-meta">
          <span {...content}>{excerpt.section}</span> · {excerpt.source}
          {demo ? <span className="badge">{t('demoBadge')}</span> : null}
        </span>
        <span className="hit-snippet" {...content}>
          <Highlighted segments={hit.snippet} />
        </span>
      </a>
    </li>
  );
}
