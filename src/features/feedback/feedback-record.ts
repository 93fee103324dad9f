import type { Feedback, MooveCriterion, RatedAnswer } from '../../core/feedback/feedback-schema';
import { Sha256 } from '../../core/util/sha256';
import type { OutboxRow } from '../../db/library-db';

/**
 * The feedback record's id for these questions: the same answers rated again are the same record, so a
 * clinician who changes a rating edits it, here and on the clinic server, rather than adding another.
 * A UUID (version 8: made by the app) from a hash of the question ids.
 */
export function feedbackIdFor(itemIds: readonly string[]): string {
  const hex = new Sha256().update(`meditron-field-feedback\n${itemIds.join('\n')}`).hex();
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** An answered question as feedback sees it: its text, who wrote it, and the excerpts it was given. */
export function ratedAnswerOf(item: OutboxRow, criteria: Partial<Record<MooveCriterion, number>>): RatedAnswer {
  return {
    text: item.answer ?? '',
    model: item.model || null,
    // Answers that came back as jobs were written by the clinic server's model.
    engine: item.engine === 'on-device' || item.engine === 'excerpts-only' ? item.engine : 'clinic',
    excerptIds: (item.prompt?.sources ?? []).map((s) => s.excerptId),
    criteria,
  };
}

export interface FeedbackForm {
  criteria: Partial<Record<MooveCriterion, number>>[];
  preferred?: 0 | 1 | 'tie';
  comment: string;
  setting: string;
}

/** The record for one answer rated, or two compared; the id comes from the questions. */
export function feedbackOf(items: readonly OutboxRow[], form: FeedbackForm, now: Date): Feedback {
  const comment = form.comment.trim();
  const setting = form.setting.trim();
  return {
    id: feedbackIdFor(items.map((i) => i.id)),
    question: items[0]!.question,
    answers: items.map((item, i) => ratedAnswerOf(item, form.criteria[i] ?? {})),
    ...(form.preferred === undefined ? {} : { preferred: form.preferred }),
    ...(comment ? { comment } : {}),
    ...(setting ? { setting } : {}),
    createdAt: now.toISOString(),
  };
}

/** Whether the form says anything yet: one rating, or a preference between two answers. */
export function hasRating(form: FeedbackForm): boolean {
  return form.preferred !== undefined || form.criteria.some((c) => Object.keys(c).length > 0);
}
