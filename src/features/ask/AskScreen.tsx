import { useLiveQuery } from 'dexie-react-hooks';
import type { ParseKeys } from 'i18next';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hrefOf } from '../../app/use-route';
import type { PatientContext } from '../../core/prompt/build-prompt';
import { library } from '../../db/library';
import type { StoredExcerpt } from '../../db/library-db';
import { clinicSettings } from '../../db/sync-state';
import { appEngines } from '../../engines/app-engines';
import { ENGINE_POLICIES, type EnginePolicy, loadPolicy, savePolicy } from '../../engines/router';
import { directionOf } from '../../i18n/languages';
import { useErrorMessage } from '../../i18n/use-error-message';
import { AnswerText, type SourceLink, sourceHref } from './AnswerText';
import { AskHistory } from './AskHistory';
import { type AskResult, useAsk } from './use-ask';
import './ask.css';

const AGE_BANDS = ['newborn', 'infant', 'child', 'olderChild', 'adult', 'olderAdult'] as const;
type AgeBand = (typeof AGE_BANDS)[number];

/** Ask a question: danger signs first, then an answer from the best engine at hand, and the history. */
/** A danger sign's id (e.g. "imci.convulsions") as words in the UI language; the id if none is written. */
function useSignLabel(): (id: string) => string {
  const { t } = useTranslation('signs');
  return (id) => t(id as ParseKeys<'signs'>, { defaultValue: id });
}

export function AskScreen() {
  const { t, i18n } = useTranslation('ask');
  const engines = appEngines().all;
  const { result, ask, stop } = useAsk(engines);
  const [question, setQuestion] = useState('');
  const [age, setAge] = useState<AgeBand | ''>('');
  const [sex, setSex] = useState<'' | 'female' | 'male'>('');
  const [pregnant, setPregnant] = useState(false);
  const [setting, setSetting] = useState('');
  // The user's own choice, else the default the clinic set for its tablets, else the best engine at hand.
  const [chosen, setChosen] = useState<EnginePolicy | undefined>(() => loadPolicy());
  const clinicDefault = useLiveQuery(() => clinicSettings(library().db), [])?.enginePolicy;
  const policy = chosen ?? clinicDefault ?? 'auto';
  const ids = { question: useId(), age: useId(), sex: useId(), setting: useId(), policy: useId(), heading: useId() };
  const busy = result?.outcome === 'preparing' || result?.outcome === 'loading-model' || result?.outcome === 'streaming';

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!question.trim() || busy) return;
    const ageLabel = age ? t(`ages.${age}`) : '';
    const isPregnant = sex !== 'male' && pregnant;
    const context: PatientContext = {
      ...(ageLabel ? { ageBand: ageLabel } : {}),
      ...(sex ? { sex } : {}),
      ...(isPregnant ? { pregnant: true } : {}),
      ...(setting.trim() ? { setting: setting.trim() } : {}),
    };
    // The infant band's range starts at 1 month, which the triage would read as a young infant's age.
    const triageAge = age === 'infant' ? '' : ageLabel;
    const contextText = [triageAge, isPregnant ? t('pregnant') : ''].filter(Boolean).join('. ');
    void ask({ question, context, contextText, language: i18n.resolvedLanguage ?? i18n.language, policy });
  };

  return (
    <section className="ask" aria-labelledby={ids.heading}>
      <h1 id={ids.heading}>{t('heading')}</h1>
      <form className="ask-form" onSubmit={submit}>
        <label htmlFor={ids.question}>{t('question')}</label>
        <textarea
          id={ids.question}
          value={question}
          required
          placeholder={t('questionPlaceholder')}
          onChange={(e) => setQuestion(e.target.value)}
        />
        <fieldset>
          <legend>{t('context')}</legend>
          <label htmlFor={ids.age}>{t('ageBand')}</label>
          <select id={ids.age} value={age} onChange={(e) => setAge(e.target.value as AgeBand | '')}>
            <option value="">{t('ageUnknown')}</option>
            {AGE_BANDS.map((band) => (
              <option key={band} value={band}>
                {t(`ages.${band}`)}
              </option>
            ))}
          </select>
          <label htmlFor={ids.sex}>{t('sex')}</label>
          <select id={ids.sex} value={sex} onChange={(e) => setSex(e.target.value as '' | 'female' | 'male')}>
            <option value="">{t('sexUnknown')}</option>
            <option value="female">{t('female')}</option>
            <option value="male">{t('male')}</option>
          </select>
          {sex === 'male' ? null : (
            <label className="ask-check">
              <input type="checkbox" checked={pregnant} onChange={(e) => setPregnant(e.target.checked)} />
              <span>{t('pregnant')}</span>
            </label>
          )}
          <label htmlFor={ids.setting}>{t('setting')}</label>
          <input
            id={ids.setting}
            type="text"
            value={setting}
            maxLength={120}
            placeholder={t('settingPlaceholder')}
            onChange={(e) => setSetting(e.target.value)}
          />
        </fieldset>
        <label htmlFor={ids.policy}>{t('policy')}</label>
        <select
          id={ids.policy}
          value={policy}
          onChange={(e) => {
            const next = e.target.value as EnginePolicy;
            setChosen(next);
            savePolicy(next);
          }}
        >
          {ENGINE_POLICIES.map((p) => (
            <option key={p} value={p}>
              {t(`policies.${p}`)}
            </option>
          ))}
        </select>
        <div className="ask-actions">
          <button type="submit" className="button" disabled={busy || !question.trim()}>
            {t('submit')}
          </button>
          {result?.outcome === 'streaming' ? (
            <button type="button" className="button button-secondary" onClick={stop}>
              {t('stop')}
            </button>
          ) : null}
        </div>
      </form>
      {result ? <AskResultView result={result} /> : null}
      <AskHistory />
    </section>
  );
}

function linksOf(excerpts: readonly StoredExcerpt[]): SourceLink[] {
  return excerpts.map((e, i) => ({ n: i + 1, packId: e.packId, docId: e.docId, excerptId: e.id }));
}

function AskResultView({ result }: { result: AskResult }) {
  const { t } = useTranslation('ask');
  const { t: tModels } = useTranslation('models');
  const signLabel = useSignLabel();
  const errorMessage = useErrorMessage();
  const sources = linksOf(result.excerpts);
  const showAnswer = result.text !== '' && result.outcome !== 'excerpts-only';
  return (
    <div
      className="ask-result"
      aria-live="polite"
      aria-busy={result.outcome === 'preparing' || result.outcome === 'loading-model' || result.outcome === 'streaming'}
    >
      {result.urgent ? (
        <div className="notice notice-error" role="alert">
          <p>
            <strong>{t('urgentTitle')}</strong>
          </p>
          <ul>
            {result.signs.map((id) => (
              <li key={id}>{signLabel(id)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {result.noDeviceModel ? <p className="notice notice-warning">{t('noDeviceModel')}</p> : null}
      {result.deviceFailure ? (
        <p className="notice notice-warning">{t('deviceFailed', { reason: tModels(`errors.${result.deviceFailure}`) })}</p>
      ) : null}
      {result.outcome === 'loading-model' ? (
        <p role="status">
          <label>
            {t('loadingModel')} <progress max={1} value={result.loadFraction ?? 0} />
          </label>
        </p>
      ) : null}
      {result.outcome === 'queued' || result.stillQueued ? (
        <p className="notice notice-warning" role="status">
          {t('queued')}
        </p>
      ) : null}
      {result.outcome === 'excerpts-only' ? (
        <p className="notice notice-warning" role="status">
          {t('excerptsOnly')}
        </p>
      ) : null}
      {result.outcome === 'failed' && result.error ? (
        <p className="notice notice-error" role="alert">
          {t('failedToAsk', { reason: errorMessage(result.error) })}
        </p>
      ) : null}
      {result.outcome === 'streaming' && !result.text ? <p role="status">{t('streaming')}</p> : null}
      {showAnswer ? (
        <section aria-label={t('answer')}>
          <h2>{t('answer')}</h2>
          <AnswerText text={result.text} sources={sources} />
          {result.outcome === 'stopped' ? <p className="notice notice-warning">{t('stopped')}</p> : null}
          {result.outcome === 'interrupted' ? <p className="notice notice-warning">{t('incomplete')}</p> : null}
          {result.engine ? (
            <p className="ask-meta">{t('answeredBy', { engine: t(`engines.${result.engine}`), model: result.model || '—' })}</p>
          ) : null}
          <p className="ask-meta">{t('researchNotice')}</p>
          {result.outcome === 'answered' && result.itemId ? (
            <a className="button button-secondary" href={hrefOf({ name: 'feedback', itemIds: [result.itemId] })}>
              {t('rate')}
            </a>
          ) : null}
        </section>
      ) : null}
      {result.outcome !== 'preparing' ? <ExcerptList excerpts={result.excerpts} /> : null}
    </div>
  );
}

function ExcerptList({ excerpts }: { excerpts: readonly StoredExcerpt[] }) {
  const { t } = useTranslation('ask');
  return (
    <section aria-label={t('excerptsUsed')}>
      <h2>{t('excerptsUsed')}</h2>
      {excerpts.length === 0 ? (
        <p className="empty">{t('noExcerpts')}</p>
      ) : (
        <ol className="hit-list">
          {linksOf(excerpts).map((link, i) => {
            const excerpt = excerpts[i]!;
            const content = { lang: excerpt.language, dir: directionOf(excerpt.language) };
            return (
              <li key={`${excerpt.packId}/${excerpt.id}`} className="hit">
                <a href={sourceHref(link)} className="hit-link">
                  <span className="hit-title" {...content}>
                    [{link.n}] {excerpt.docTitle}
                  </span>
                  <span className="hit-meta">
                    <span {...content}>{excerpt.section}</span> · {excerpt.source}
                  </span>
                  <span className="hit-snippet" {...content}>
                    {excerpt.text}
                  </span>
                </a>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
