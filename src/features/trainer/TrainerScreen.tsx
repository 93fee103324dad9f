import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hrefOf } from '../../app/use-route';
import { ProgressBar } from '../../components/ProgressBar';
import { type AppErrorData, toErrorData } from '../../core/errors/app-error';
import { library } from '../../db/library';
import { useErrorMessage } from '../../i18n/use-error-message';
import { restoreDemoPack } from '../packs/demo-pack';
import { PresenterView } from './PresenterView';
import { ScenarioRun } from './ScenarioRun';
import { inLanguage, SCENARIOS } from './scenarios';
import '../ask/ask.css';
import './trainer.css';

/** Trainer mode: case scenarios to run with trainees, a presenter view, and a reset of the demo data. */
export function TrainerScreen({ scenarioId, present }: { scenarioId: string; present: boolean }) {
  const scenario = SCENARIOS.find((s) => s.id === scenarioId);
  if (scenario && present) return <PresenterView scenario={scenario} />;
  if (scenario) return <ScenarioRun scenario={scenario} />;
  return <ScenarioList />;
}

function ScenarioList() {
  const { t, i18n } = useTranslation('trainer');
  const errorMessage = useErrorMessage();
  const lang = inLanguage(i18n.resolvedLanguage ?? 'en');
  const [reset, setReset] = useState<{ fraction: number } | 'done' | { error: AppErrorData } | null>(null);

  const restore = async () => {
    if (!confirm(t('confirmReset'))) return;
    setReset({ fraction: 0 });
    try {
      await restoreDemoPack(library().db, (fraction) => setReset({ fraction }));
      setReset('done');
    } catch (error) {
      setReset({ error: toErrorData(error) });
    }
  };

  return (
    <section className="trainer" aria-labelledby="trainer-heading">
      <h1 id="trainer-heading">{t('heading')}</h1>
      <p>{t('intro')}</p>
      <ol className="scenario-list">
        {SCENARIOS.map((s) => (
          <li key={s.id} className="scenario-card">
            <h2>{s.title[lang]}</h2>
            <p className="hint">{t('questionCount', { count: s.questions.length })}</p>
            <div className="ask-actions">
              <a className="button" href={hrefOf({ name: 'trainer', scenarioId: s.id, present: false })}>
                {t('run')}
                <span className="visually-hidden">: {s.title[lang]}</span>
              </a>
              <a className="button button-secondary" href={hrefOf({ name: 'trainer', scenarioId: s.id, present: true })}>
                {t('present')}
                <span className="visually-hidden">: {s.title[lang]}</span>
              </a>
            </div>
          </li>
        ))}
      </ol>
      <section aria-labelledby="trainer-reset">
        <h2 id="trainer-reset">{t('resetHeading')}</h2>
        <p>{t('resetExplain')}</p>
        {reset && typeof reset === 'object' && 'fraction' in reset ? (
          <ProgressBar label={t('resetting')} value={reset.fraction} status={t('resetting')} />
        ) : null}
        <p role="status">{reset === 'done' ? t('resetDone') : null}</p>
        {reset && typeof reset === 'object' && 'error' in reset ? (
          <p className="notice notice-error" role="alert">
            {t('resetFailed', { reason: errorMessage(reset.error) })}
          </p>
        ) : null}
        <button type="button" className="button button-secondary" onClick={() => void restore()}>
          {t('reset')}
        </button>
      </section>
    </section>
  );
}
