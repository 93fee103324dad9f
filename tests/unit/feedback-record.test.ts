import { describe, expect, it } from 'vitest';
import { FeedbackSchema } from '../../src/core/feedback/feedback-schema';
import type { OutboxRow } from '../../src/db/library-db';
import { feedbackIdFor, feedbackOf, hasRating } from '../../src/features/feedback/feedback-record';

function answered(id: string, overrides: Partial<OutboxRow> = {}): OutboxRow {
  return {
    id,
    jobId: id,
    question: 'How is severe dehydration treated?',
    createdAt: 1,
    state: 'answered',
    attempts: 1,
    nextAttemptAt: 0,
    answer: 'Give ORS [1].',
    model: 'meditron-7b',
    prompt: { sources: [{ n: 1, excerptId: 'demo.diarrhoea.abc.0' }] },
    ...overrides,
  };
}

describe('feedback records', () => {
  it('have an id that is a valid UUID, the same for the same answers and another for others', () => {
    const id = feedbackIdFor(['a', 'b']);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(feedbackIdFor(['a', 'b'])).toBe(id);
    expect(feedbackIdFor(['b', 'a'])).not.toBe(id);
    expect(feedbackIdFor(['a'])).not.toBe(id);
  });

  it('rate one answer with what was given, and pass the schema the sync checks', () => {
    const record = feedbackOf(
      [answered('q1')],
      { criteria: [{ clarity: 4 }], comment: '  Clear.  ', setting: ' Primary care, Ethiopia ' },
      new Date('2026-11-25T08:00:00Z'),
    );
    expect(record).toEqual({
      id: feedbackIdFor(['q1']),
      question: 'How is severe dehydration treated?',
      answers: [
        { text: 'Give ORS [1].', model: 'meditron-7b', engine: 'clinic', excerptIds: ['demo.diarrhoea.abc.0'], criteria: { clarity: 4 } },
      ],
      comment: 'Clear.',
      setting: 'Primary care, Ethiopia',
      createdAt: '2026-11-25T08:00:00.000Z',
    });
    expect(FeedbackSchema.safeParse(record).success).toBe(true);
  });

  it('compare two answers, naming the engine that wrote each', () => {
    const record = feedbackOf(
      [answered('q1', { engine: 'on-device', model: 'tiny' }), answered('q2', { model: undefined })],
      { criteria: [{}, { relevance: 2 }], preferred: 0, comment: '', setting: '' },
      new Date(0),
    );
    expect(record.answers.map((a) => [a.engine, a.model])).toEqual([
      ['on-device', 'tiny'],
      ['clinic', null],
    ]);
    expect(record.preferred).toBe(0);
    expect(record).not.toHaveProperty('comment');
    expect(FeedbackSchema.safeParse(record).success).toBe(true);
  });

  it('need one rating or a preference before they can be saved', () => {
    expect(hasRating({ criteria: [{}], comment: 'only words', setting: '' })).toBe(false);
    expect(hasRating({ criteria: [{ fairness: 3 }], comment: '', setting: '' })).toBe(true);
    expect(hasRating({ criteria: [{}, {}], preferred: 'tie', comment: '', setting: '' })).toBe(true);
  });
});
