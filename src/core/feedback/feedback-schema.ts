import { z } from 'zod';

/**
 * Clinician feedback on answers, on the nine criteria of Meditron's MOOVE evaluation, each rated
 * 1 (poor) to 5 (excellent). A record rates one answer, or compares two answers to the same question
 * (pairwise) and says which is better. Nothing is required but one rating or one preference.
 */
export const MOOVE_CRITERIA = [
  'comprehension',
  'reasoning',
  'relevance',
  'harmlessness',
  'fairness',
  'context',
  'communication',
  'clarity',
  'guidelines',
] as const;
export type MooveCriterion = (typeof MOOVE_CRITERIA)[number];

const rating = z.number().int().min(1).max(5);

export const RatedAnswerSchema = z.object({
  text: z.string().max(20_000),
  /** The model that wrote it; null for an excerpts-only answer. */
  model: z.string().max(200).nullable(),
  engine: z.enum(['on-device', 'clinic', 'excerpts-only']),
  /** The ids of the excerpts the answer was given (an excerpt id starts with its pack's id). */
  excerptIds: z.array(z.string().max(200)).max(50),
  criteria: z.partialRecord(z.enum(MOOVE_CRITERIA), rating),
});
export type RatedAnswer = z.infer<typeof RatedAnswerSchema>;

export const FeedbackSchema = z
  .object({
    /** Made by the tablet: the idempotency key of its push. */
    id: z.uuid(),
    question: z.string().min(1).max(4000),
    /** One answer rated, or two compared. */
    answers: z.array(RatedAnswerSchema).min(1).max(2),
    /** Pairwise only: the index of the better answer, or a tie. */
    preferred: z.union([z.literal(0), z.literal(1), z.literal('tie')]).optional(),
    comment: z.string().max(4000).optional(),
    /** Where the rater works, e.g. "Primary care, Ethiopia". */
    setting: z.string().max(200).optional(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .refine((f) => f.preferred === undefined || f.answers.length === 2, {
    message: 'a preference needs two answers',
    path: ['preferred'],
  })
  .refine((f) => f.preferred !== undefined || f.answers.some((a) => Object.keys(a.criteria).length > 0), {
    message: 'give at least one rating',
    path: ['answers'],
  });
export type Feedback = z.infer<typeof FeedbackSchema>;
