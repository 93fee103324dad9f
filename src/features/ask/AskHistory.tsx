import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hrefOf } from '../../app/use-route';
import type { AppErrorData } from '../../core/errors/app-error';
import { applies, type OutboxEvent } from '../../core/outbox/transition';
import { library } from '../../db/library';
import type { OutboxRow } from '../../db/library-db';
import { applyEvent, deleteItem, listItems } from '../../db/outbox-store';
import { useErrorMessage } from '../../i18n/use-error-message';
import { AnswerText } from './AnswerText';
import { useSourceLinks } from './use-source-links';

/** The outbox, newest first: each question's state in plain words, its answer, and what can be done with it. */
export function AskHistory() {
  const { t } = useTranslation('ask');
  const searchId = useId();
  const headingId = useId();
  const [filter, setFilter] = useState('');
  const items = useLiveQuery(() => listItems(library().db), []) ?? [];
  const needle = filter.trim().toLocaleLowerCase();
  const shown = [...items].reverse().filter((item) => !needle || item.question.toLocaleLowerCase().includes(needle));

  const exportHistory = () => {
    const blob = new Blob([JSON.stringify(items, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `meditron-questions-${new Date().toISOString().slice(0, 10)}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };

  return (
    <section className="ask-history" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('history')}</h2>
      <div className="search-bar">
        <label htmlFor={searchId} className="visually-hidden">
          {t('historySearch')}
        </label>
        <input
          id={searchId}
          type="search"
          value={filter}
          placeholder={t('historySearch')}
          autoComplete="off"
          onChange={(e) => setFilter(e.target.value)}
        />
        <button type="button" className="button button-secondary" disabled={items.length === 0} onClick={exportHistory}>
          {t('export')}
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="empty">{t('historyEmpty')}</p>
      ) : (
        <ol className="hit-list">
          {shown.map((item) => (
            <HistoryItem key={item.id} item={item} other={otherAnswer(items, item)} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** The latest other answer to the same question, to compare this one with. */
function otherAnswer(items: readonly OutboxRow[], item: OutboxRow): OutboxRow | undefined {
  if (item.state !== 'answered') return undefined;
  const question = item.question.trim().toLocaleLowerCase();
  return items.findLast((o) => o.id !== item.id && o.state === 'answered' && o.question.trim().toLocaleLowerCase() === question);
}

function HistoryItem({ item, other }: { item: OutboxRow; other?: OutboxRow }) {
  const { t, i18n } = useTranslation('ask');
  const errorMessage = useErrorMessage();
  const sources = useSourceLinks(item);
  const now = Date.now();
  const retry: OutboxEvent = { type: 'retry', jobId: crypto.randomUUID() };
  const cancel: OutboxEvent = { type: 'cancel' };
  const apply = (event: OutboxEvent) => void applyEvent(library().db, item.id, event, { now: Date.now(), random: Math.random });
  const remove = () => {
    if (confirm(t('confirmDelete'))) void deleteItem(library().db, item.id);
  };
  const state =
    item.state === 'failed'
      ? t('states.failed', { reason: errorMessage((item.error ?? { code: 'unknown', message: '' }) as AppErrorData) })
      : t(`states.${item.state}`);
  const text = item.answer ?? item.partialAnswer;
  const date = new Date(item.createdAt).toLocaleString(i18n.resolvedLanguage);

  return (
    <li className="ask-history-item">
      <p className="ask-history-question">{item.question}</p>
      <p className="ask-meta">
        {t('askedAt', { date })} · {state}
      </p>
      {text ? <AnswerText text={text} sources={sources} /> : null}
      {item.state === 'answered' && item.engine ? (
        <p className="ask-meta">{t('answeredBy', { engine: engineLabel(item.engine, t), model: item.model || '—' })}</p>
      ) : null}
      {item.state === 'cancelled' && item.partialAnswer ? <p className="ask-meta">{t('stopped')}</p> : null}
      {item.state === 'queued' && item.incomplete ? <p className="ask-meta">{t('incomplete')}</p> : null}
      <div className="ask-actions">
        {applies(item, retry, now) ? (
          <button type="button" className="button button-secondary" onClick={() => apply(retry)}>
            {t('retry')}
          </button>
        ) : null}
        {applies(item, cancel, now) ? (
          <button type="button" className="button button-secondary" onClick={() => apply(cancel)}>
            {t('cancel')}
          </button>
        ) : null}
        {item.state === 'answered' ? (
          <a className="button button-secondary" href={hrefOf({ name: 'feedback', itemIds: [item.id] })}>
            {t('rate')}
          </a>
        ) : null}
        {other ? (
          <a className="button button-secondary" href={hrefOf({ name: 'feedback', itemIds: [item.id, other.id] })}>
            {t('compare')}
          </a>
        ) : null}
        <button type="button" className="button button-secondary" onClick={remove}>
          {t('delete')}
        </button>
      </div>
    </li>
  );
}

function engineLabel(engine: string, t: ReturnType<typeof useTranslation<'ask'>>['t']): string {
  return engine === 'on-device' || engine === 'clinic' || engine === 'excerpts-only' ? t(`engines.${engine}`) : engine;
}
