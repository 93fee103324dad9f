import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hrefOf } from '../../app/use-route';
import { MOOVE_CRITERIA, type MooveCriterion } from '../../core/feedback/feedback-schema';
import { clinicConnection } from '../../db/clinic-connection';
import { saveFeedback } from '../../db/feedback-store';
import { library } from '../../db/library';
import type { OutboxRow } from '../../db/library-db';
import { AnswerText } from '../ask/AnswerText';
import { useSourceLinks } from '../ask/use-source-links';
import { type FeedbackForm, feedbackIdFor, feedbackOf, hasRating } from './feedback-record';
import '../ask/ask.css';
import './feedback.css';

const SETTING_KEY = 'feedbackSetting';
const SCORES = [1, 2, 3, 4, 5] as const;

/** The clinician's last setting ("Primary care, Ethiopia"): the same from one rating to the next. */
function lastSetting(): string {
  try {
    return localStorage.getItem(SETTING_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * Feedback on one answer, or on two answers to the same question side by side: the nine MOOVE criteria
 * from 1 (poor) to 5 (excellent), which answer is better, a comment and the setting. Works offline;
 * the record goes to the clinic server at the next sync. One rating is enough to save.
 */
export function FeedbackScreen({ itemIds }: { itemIds: string[] }) {
  const { t } = useTranslation('feedback');
  const { db } = library();
  const items = useLiveQuery(
    async () => (await db.outbox.bulkGet(itemIds)).filter((i): i is OutboxRow => i?.state === 'answered'),
    [itemIds.join()],
  );
  const stored = useLiveQuery(() => db.feedback.get(feedbackIdFor(itemIds)), [itemIds.join()]);
  const enrolled = useLiveQuery(async () => Boolean(await clinicConnection(db)), []);
  const [form, setForm] = useState<FeedbackForm>({ criteria: itemIds.map(() => ({})), comment: '', setting: lastSetting() });
  const [saved, setSaved] = useState(false);
  const ids = { comment: useId(), setting: useId(), heading: useId(), preferred: useId() };

  // A rating given before is shown to be changed, not given again.
  useEffect(() => {
    if (!stored || stored.deleted) return;
    setForm({
      criteria: stored.answers.map((a) => a.criteria),
      preferred: stored.preferred,
      comment: stored.comment ?? '',
      setting: stored.setting ?? '',
    });
  }, [stored]);

  if (items === undefined) return null;
  if (items.length !== itemIds.length) {
    return (
      <section className="feedback" aria-labelledby={ids.heading}>
        <h1 id={ids.heading}>{t('heading')}</h1>
        <p>{t('notFound')}</p>
        <a href={hrefOf({ name: 'ask' })}>{t('backToAsk')}</a>
      </section>
    );
  }

  const pairwise = items.length === 2;
  const change = (next: Partial<FeedbackForm>) => {
    setSaved(false);
    setForm((f) => ({ ...f, ...next }));
  };
  const rate = (answer: number, criterion: MooveCriterion, score: number) =>
    change({ criteria: form.criteria.map((c, i) => (i === answer ? { ...c, [criterion]: score } : c)) });
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!hasRating(form)) return;
    await saveFeedback(db, feedbackOf(items, form, new Date()));
    try {
      localStorage.setItem(SETTING_KEY, form.setting.trim());
    } catch {
      // Private mode: the setting is typed again next time.
    }
    setSaved(true);
  };

  return (
    <section className="feedback" aria-labelledby={ids.heading}>
      <h1 id={ids.heading}>{pairwise ? t('headingPairwise') : t('heading')}</h1>
      <p className="feedback-question">{items[0]!.question}</p>
      <form onSubmit={submit}>
        <div className={pairwise ? 'feedback-answers feedback-answers-pair' : 'feedback-answers'}>
          {items.map((item, i) => (
            <RatedAnswer key={item.id} item={item} index={i} pairwise={pairwise} criteria={form.criteria[i] ?? {}} onRate={rate} />
          ))}
        </div>
        {pairwise ? (
          <fieldset className="feedback-preferred">
            <legend id={ids.preferred}>{t('which')}</legend>
            {([0, 1, 'tie'] as const).map((choice) => (
              <label key={String(choice)} className="choice">
                <input type="radio" name="preferred" checked={form.preferred === choice} onChange={() => change({ preferred: choice })} />
                {choice === 'tie' ? t('tie') : t('answerLetter', { letter: letter(choice) })}
              </label>
            ))}
          </fieldset>
        ) : null}
        <label htmlFor={ids.setting}>{t('setting')}</label>
        <input
          id={ids.setting}
          type="text"
          value={form.setting}
          placeholder={t('settingExample')}
          onChange={(e) => change({ setting: e.target.value })}
        />
        <label htmlFor={ids.comment}>{t('comment')}</label>
        <textarea id={ids.comment} rows={3} value={form.comment} onChange={(e) => change({ comment: e.target.value })} />
        <p className="hint">{t('oneIsEnough')}</p>
        <div className="ask-actions">
          <button type="submit" className="button" disabled={!hasRating(form)}>
            {stored && !stored.deleted ? t('saveChanges') : t('save')}
          </button>
          <a className="button button-secondary" href={hrefOf({ name: 'ask' })}>
            {t('backToAsk')}
          </a>
        </div>
        <p role="status" className={saved ? 'notice notice-success' : undefined}>
          {saved ? (enrolled ? t('savedToSync') : t('savedHere')) : null}
        </p>
      </form>
    </section>
  );
}

/** A = 0, B = 1: the names the pairwise form gives the two answers, in every language. */
const letter = (index: number) => String.fromCharCode(65 + index);

function RatedAnswer({
  item,
  index,
  pairwise,
  criteria,
  onRate,
}: {
  item: OutboxRow;
  index: number;
  pairwise: boolean;
  criteria: Partial<Record<MooveCriterion, number>>;
  onRate: (answer: number, criterion: MooveCriterion, score: number) => void;
}) {
  const { t } = useTranslation('feedback');
  const headingId = useId();
  const sources = useSourceLinks(item);
  const engine = item.engine === 'on-device' || item.engine === 'excerpts-only' ? item.engine : 'clinic';
  return (
    <article className="feedback-answer" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {pairwise ? t('answerLetter', { letter: letter(index) }) : t('theAnswer')}
        <span className="feedback-by"> · {t(`engines.${engine}`, { model: item.model || '—' })}</span>
      </h2>
      <div className="feedback-answer-text">
        <AnswerText text={item.answer ?? ''} sources={sources} />
      </div>
      {MOOVE_CRITERIA.map((criterion) => (
        <fieldset key={criterion} className="rating">
          <legend>
            {t(`criteria.${criterion}.name`)}
            <span className="rating-hint">{t(`criteria.${criterion}.hint`)}</span>
          </legend>
          <div className="rating-scores">
            {SCORES.map((score) => (
              <label key={score} className="rating-score" title={t(`scores.${score}`)}>
                <input
                  type="radio"
                  name={`${index}-${criterion}`}
                  value={score}
                  checked={criteria[criterion] === score}
                  aria-label={`${score} — ${t(`scores.${score}`)}`}
                  onChange={() => onRate(index, criterion, score)}
                />
                <span aria-hidden="true">{score}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
    </article>
  );
}
