import { useTranslation } from 'react-i18next';
import { hrefOf } from '../../app/use-route';
import type { Scenario } from '../../core/trainer/scenario-schema';
import { appEngines } from '../../engines/app-engines';
import { useErrorMessage } from '../../i18n/use-error-message';
import { AnswerText } from '../ask/AnswerText';
import { inLanguage } from './scenarios';
import { type TrainerAnswer, useTrainerAnswers } from './use-trainer-answer';

/** One scenario with a trainee: the case, each question asked of the app in turn, then the teaching points. */
export function ScenarioRun({ scenario }: { scenario: Scenario }) {
  const { t, i18n } = useTranslation('trainer');
  const language = i18n.resolvedLanguage ?? 'en';
  const lang = inLanguage(language);
  const { answers, ask } = useTrainerAnswers(appEngines().all);
  const asked = scenario.questions.filter((_, i) => answers[i]?.status === 'done').length;

  return (
    <article className="trainer scenario" aria-labelledby="scenario-heading">
      <p>
        <a href={hrefOf({ name: 'trainer', scenarioId: '', present: false })}>{t('allScenarios')}</a>
      </p>
      <h1 id="scenario-heading">{scenario.title[lang]}</h1>
      <p className="scenario-story">{scenario.story[lang]}</p>
      <a className="button button-secondary" href={hrefOf({ name: 'trainer', scenarioId: scenario.id, present: true })}>
        {t('present')}
      </a>
      <h2>{t('questions')}</h2>
      <p role="status">{t('progress', { asked, count: scenario.questions.length })}</p>
      <ol className="scenario-questions">
        {scenario.questions.map((question, i) => (
          <li key={question.text.en} className="scenario-question">
            <p className="scenario-question-text">{question.text[lang]}</p>
            <button
              type="button"
              className="button"
              aria-label={t('askThis', { question: question.text[lang] })}
              onClick={() => void ask(String(i), { search: question.text.en, asked: question.text[lang] }, language)}
            >
              {t('ask')}
            </button>
            {answers[i] ? <Answer answer={answers[i]} expected={question.excerptIds} /> : null}
          </li>
        ))}
      </ol>
      <section aria-labelledby="teaching-heading">
        <h2 id="teaching-heading">{t('teachingPoints')}</h2>
        <ul className="teaching-points">
          {scenario.teachingPoints[lang].map((point) => (
            <li key={point}>{point}</li>
          ))}
        </ul>
      </section>
      <p className="ask-meta">{t('notClinical')}</p>
    </article>
  );
}

/** What the app answered: the model's text if a model ran, and always the excerpts, the expected ones marked. */
function Answer({ answer, expected }: { answer: TrainerAnswer; expected: readonly string[] }) {
  const { t } = useTranslation('trainer');
  const errorMessage = useErrorMessage();
  if (answer.status === 'searching') return <p role="status">{t('searching')}</p>;
  const found = answer.excerpts.filter((e) => expected.includes(e.id)).length;
  return (
    <div className="scenario-answer">
      {answer.status === 'loading-model' ? <p role="status">{t('loadingModel')}</p> : null}
      {answer.engine && answer.engine !== 'excerpts-only' && answer.text ? (
        <section aria-label={t('modelAnswer')}>
          <p className="ask-meta">{t(`answeredBy.${answer.engine}`, { model: answer.model || '—' })}</p>
          <AnswerText text={answer.text} sources={[]} />
        </section>
      ) : null}
      {answer.status === 'done' && answer.engine === 'excerpts-only' ? (
        <p className="notice notice-warning">
          {t('excerptsOnly')}
          {answer.error ? ` ${t('modelFailed', { reason: errorMessage(answer.error) })}` : ''}
        </p>
      ) : null}
      <p role="status">{t('expectedFound', { found, count: expected.length })}</p>
      <ol className="scenario-excerpts">
        {answer.excerpts.map((e) => (
          <li key={e.id} className={expected.includes(e.id) ? 'expected' : undefined}>
            <p className="hit-title">
              {e.docTitle} · {e.section}
              {expected.includes(e.id) ? <span className="expected-mark"> · {t('expected')}</span> : null}
            </p>
            <p className="hit-snippet">{e.text}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}
