import { type Feedback, MOOVE_CRITERIA, type MooveCriterion, type RatedAnswer } from '../../../src/core/feedback/feedback-schema';
import type { StoredFeedback } from './feedback-store';

/** The export files, named alike by the admin command and the admin routes. */
export const FEEDBACK_FILES = { ratings: 'feedback-ratings.jsonl', preferences: 'feedback-preferences.jsonl' } as const;

/** One rated answer, for evaluation: every line has every key, so dataset loaders see one schema. */
export interface RatingRecord {
  /** `<feedbackId>:<answerIndex>` */
  id: string;
  feedbackId: string;
  question: string;
  answer: string;
  model: string | null;
  engine: RatedAnswer['engine'];
  excerptIds: string[];
  /** Only the criteria the clinician rated, 1 to 5. */
  criteria: Partial<Record<MooveCriterion, number>>;
  comment: string | null;
  setting: string | null;
  /** The id of the tablet that sent it. */
  device: string;
  /** When the clinician rated it, by the tablet's clock. */
  createdAt: string;
  /** Pairwise: whether this answer was preferred; null for a tie or a single rating. */
  preferred: boolean | null;
}

/** One comparison with a winner, in the prompt/chosen/rejected form TRL's DPOTrainer reads. */
export interface PreferencePair {
  prompt: string;
  chosen: string;
  rejected: string;
  feedbackId: string;
  chosenModel: string | null;
  rejectedModel: string | null;
  chosenEngine: RatedAnswer['engine'];
  rejectedEngine: RatedAnswer['engine'];
  setting: string | null;
  createdAt: string;
}

export interface FeedbackSummary {
  records: number;
  devices: number;
  /** Rating records, as `ratingRecords` gives them. */
  ratedAnswers: number;
  /** Comparisons with a preferred answer, and those called a tie. */
  pairs: number;
  ties: number;
  /** Per criterion: the mean of its ratings (null when none) and how many there are. */
  criteria: Record<MooveCriterion, { mean: number | null; count: number }>;
}

// Deleted records are skipped here too, whatever the caller listed: a clinician who withdrew feedback is not exported.
const live = (rows: StoredFeedback[]): StoredFeedback[] => rows.filter((row) => row.deletedAt === null);

const isPairwise = (record: Feedback): boolean => record.preferred !== undefined;

export function ratingRecords(rows: StoredFeedback[]): RatingRecord[] {
  return live(rows).flatMap(({ record, deviceId }) =>
    record.answers.flatMap((answer, index): RatingRecord[] => {
      // An unrated answer still counts as half of a comparison; alone it says nothing.
      if (!isPairwise(record) && Object.keys(answer.criteria).length === 0) return [];
      return [
        {
          id: `${record.id}:${index}`,
          feedbackId: record.id,
          question: record.question,
          answer: answer.text,
          model: answer.model,
          engine: answer.engine,
          excerptIds: answer.excerptIds,
          criteria: answer.criteria,
          comment: record.comment ?? null,
          setting: record.setting ?? null,
          device: deviceId,
          createdAt: record.createdAt,
          preferred: record.preferred === 0 || record.preferred === 1 ? record.preferred === index : null,
        },
      ];
    }),
  );
}

export function preferencePairs(rows: StoredFeedback[]): PreferencePair[] {
  return live(rows).flatMap(({ record }): PreferencePair[] => {
    if (record.preferred !== 0 && record.preferred !== 1) return [];
    const chosen = record.answers[record.preferred]!;
    const rejected = record.answers[1 - record.preferred]!;
    return [
      {
        prompt: record.question,
        chosen: chosen.text,
        rejected: rejected.text,
        feedbackId: record.id,
        chosenModel: chosen.model,
        rejectedModel: rejected.model,
        chosenEngine: chosen.engine,
        rejectedEngine: rejected.engine,
        setting: record.setting ?? null,
        createdAt: record.createdAt,
      },
    ];
  });
}

export function feedbackSummary(rows: StoredFeedback[]): FeedbackSummary {
  const kept = live(rows);
  const ratings = ratingRecords(kept);
  const criteria = Object.fromEntries(
    MOOVE_CRITERIA.map((criterion) => {
      const scores = ratings.flatMap((r) => r.criteria[criterion] ?? []);
      const mean = scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
      return [criterion, { mean, count: scores.length }];
    }),
  ) as FeedbackSummary['criteria'];
  return {
    records: kept.length,
    devices: new Set(kept.map((row) => row.deviceId)).size,
    ratedAnswers: ratings.length,
    pairs: preferencePairs(kept).length,
    ties: kept.filter((row) => row.record.preferred === 'tie').length,
    criteria,
  };
}

/** JSON Lines: one object a line, each line ending in a newline. */
export function toJsonl(records: object[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}
