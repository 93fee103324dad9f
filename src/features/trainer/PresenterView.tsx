import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hrefOf } from '../../app/use-route';
import type { Scenario } from '../../core/trainer/scenario-schema';
import { directionOf } from '../../i18n/languages';
import { inLanguage } from './scenarios';

/**
 * The scenario for a room: large text, one step at a time — the case, each question, the teaching
 * points — moved with the buttons or the arrow keys (which follow the reading direction).
 */
export function PresenterView({ scenario }: { scenario: Scenario }) {
  const { t, i18n } = useTranslation('trainer');
  const language = i18n.resolvedLanguage ?? 'en';
  const lang = inLanguage(language);
  const steps = [
    { heading: t('theCase'), body: [scenario.story[lang]] },
    ...scenario.questions.map((q, i) => ({ heading: t('questionN', { n: i + 1 }), body: [q.text[lang]] })),
    { heading: t('teachingPoints'), body: scenario.teachingPoints[lang] },
  ];
  const [step, setStep] = useState(0);
  const go = (delta: number) => setStep((s) => Math.min(steps.length - 1, Math.max(0, s + delta)));

  useEffect(() => {
    const rtl = directionOf(language) === 'rtl';
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'ArrowRight') setStep((s) => Math.min(steps.length - 1, Math.max(0, s + (rtl ? -1 : 1))));
      if (event.key === 'ArrowLeft') setStep((s) => Math.min(steps.length - 1, Math.max(0, s + (rtl ? 1 : -1))));
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [language, steps.length]);

  const current = steps[step]!;
  return (
    <article className="presenter" aria-labelledby="presenter-title">
      <p className="presenter-title" id="presenter-title">
        {scenario.title[lang]}
      </p>
      <section className="presenter-step" aria-live="polite">
        <h1>{current.heading}</h1>
        {current.body.length > 1 ? (
          <ul>
            {current.body.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        ) : (
          <p>{current.body[0]}</p>
        )}
      </section>
      <nav className="presenter-nav" aria-label={t('steps')}>
        <button type="button" className="button button-secondary" disabled={step === 0} onClick={() => go(-1)}>
          {t('previous')}
        </button>
        <span>{t('stepOf', { n: step + 1, count: steps.length })}</span>
        <button type="button" className="button" disabled={step === steps.length - 1} onClick={() => go(1)}>
          {t('next')}
        </button>
      </nav>
      <p>
        <a href={hrefOf({ name: 'trainer', scenarioId: scenario.id, present: false })}>{t('leavePresenter')}</a>
      </p>
    </article>
  );
}
