import { describe, expect, it } from 'vitest';
import type { AnswerRequest, AnswerResult } from '../../src/engines/engine';
import { timeAnswer } from '../../src/verify/measure';

/** RUNTIME DOUBLE: streams pieces at given clock times (ms), on a clock the test moves. */
function runtimeAt(clock: { now: number }, startMs: number, pieceTimesMs: number[]) {
  return {
    async answer(_request: AnswerRequest, onText: (text: string) => void): Promise<AnswerResult> {
      clock.now = startMs;
      for (const [i, at] of pieceTimesMs.entries()) {
        clock.now = at;
        onText(`w${i} `);
      }
      return { text: pieceTimesMs.map((_, i) => `w${i} `).join(''), model: 'm', finishReason: 'stop' };
    },
  };
}

const REQUEST: AnswerRequest = { messages: [{ role: 'user', content: 'q' }], maxTokens: 8 };

describe('timeAnswer (the WebGPU check page’s figures)', () => {
  it('times the first token and the decode speed after it', async () => {
    const clock = { now: 0 };
    // Asked at 0; first piece at 800 ms; then 10 more over 500 ms: 20 tokens/s.
    const times = [800, ...Array.from({ length: 10 }, (_, i) => 850 + i * 50)];
    const timing = await timeAnswer(runtimeAt(clock, 0, times), REQUEST, undefined, () => clock.now);
    expect(timing).toMatchObject({ timeToFirstTokenMs: 800, pieces: 11, finishReason: 'stop', totalMs: 1300 });
    expect(timing.tokensPerS).toBeCloseTo(20);
  });

  it('has no speed from a single piece, and no first token from none', async () => {
    const clock = { now: 0 };
    expect(await timeAnswer(runtimeAt(clock, 0, [300]), REQUEST, undefined, () => clock.now)).not.toHaveProperty('tokensPerS');
    const none = await timeAnswer(runtimeAt(clock, 0, []), REQUEST, undefined, () => clock.now);
    expect(none).not.toHaveProperty('timeToFirstTokenMs');
    expect(none.pieces).toBe(0);
  });
});
