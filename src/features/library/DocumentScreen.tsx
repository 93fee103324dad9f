import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { hrefOf } from '../../app/use-route';
import { Highlighted } from '../../components/Highlighted';
import { parseQuery } from '../../core/search/query';
import { highlight } from '../../core/search/snippet';
import { library } from '../../db/library';
import { documentOf } from '../../db/library-queries';
import { directionOf } from '../../i18n/languages';

interface DocumentScreenProps {
  packId: string;
  docId: string;
  excerptId: string;
  query: string;
}

/** An excerpt shown in its document, with the sections around it, scrolled into view. */
export function DocumentScreen({ packId, docId, excerptId, query }: DocumentScreenProps) {
  const { t } = useTranslation('library');
  const excerpts = useLiveQuery(() => documentOf(library().db, packId, docId), [packId, docId]);
  const pack = useLiveQuery(() => library().db.packs.get(packId), [packId]);
  const target = useRef<HTMLElement>(null);
  const terms = useMemo(() => new Set(parseQuery(query).terms.map((q) => q.term)), [query]);

  useEffect(() => {
    if (!excerpts?.length) return;
    target.current?.scrollIntoView({ block: 'start' });
    target.current?.focus({ preventScroll: true });
  }, [excerpts]);

  const back = hrefOf({ name: 'library', query, source: '' });
  if (excerpts === undefined) return <p className="hint">{t('loading')}</p>;
  const first = excerpts[0];
  if (!first) {
    return (
      <section className="document">
        <p className="empty">{t('documentMissing')}</p>
        <a className="button" href={back}>
          {t('backToResults')}
        </a>
      </section>
    );
  }

  const sections = groupBySection(excerpts);
  // The document keeps its own language and direction inside a UI in another.
  const content = { lang: first.language, dir: directionOf(first.language) };
  return (
    <article className="document" aria-labelledby="document-title">
      <a className="back-link" href={back}>
        {t('backToResults')}
      </a>
      <h1 id="document-title" {...content}>
        {first.docTitle}
      </h1>
      <p className="document-source" {...content}>
        {first.citation ?? first.source}
        {first.url ? (
          <>
            {' · '}
            <a href={first.url} rel="noreferrer" target="_blank">
              {t('sourceLink')}
            </a>
          </>
        ) : null}
      </p>
      {pack?.manifest.demo ? (
        <p className="notice notice-warning" role="note">
          {t('demoNotice')}
        </p>
      ) : null}
      {sections.map(([section, items]) => (
        <section key={section} className="document-section" {...content}>
          <h2>{section}</h2>
          {items.map((e) => (
            <section
              key={e.id}
              ref={e.id === excerptId ? target : undefined}
              tabIndex={e.id === excerptId ? -1 : undefined}
              className={e.id === excerptId ? 'excerpt excerpt-target' : 'excerpt'}
              aria-current={e.id === excerptId ? 'true' : undefined}
              aria-label={e.id === excerptId ? t('openedExcerpt') : undefined}
            >
              {e.text.split('\n').map((line, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text
                <p key={i}>
                  <Highlighted segments={e.id === excerptId ? highlight(line, terms) : [{ text: line, match: false }]} />
                </p>
              ))}
            </section>
          ))}
        </section>
      ))}
    </article>
  );
}

function groupBySection<T extends { section: string }>(items: T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(item.section);
    if (list) list.push(item);
    else groups.set(item.section, [item]);
  }
  return [...groups];
}
