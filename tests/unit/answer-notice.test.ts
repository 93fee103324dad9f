import { afterEach, describe, expect, it, vi } from 'vitest';
import { announceAnswers, clearAnswerBadge } from '../../src/app/answer-notice';

// Node has no app badge: the browser's Badging API is the one thing faked here, at the boundary.
const badge = { setAppBadge: vi.fn(async (_n: number) => {}), clearAppBadge: vi.fn(async () => {}) };
vi.stubGlobal('navigator', badge);

afterEach(() => clearAnswerBadge());

describe('answers that arrive in the background', () => {
  it('count up on the app badge until the user looks at them', async () => {
    await announceAnswers(2);
    await announceAnswers(1);
    expect(badge.setAppBadge).toHaveBeenLastCalledWith(3);
    clearAnswerBadge();
    expect(badge.clearAppBadge).toHaveBeenCalled();
    await announceAnswers(1);
    expect(badge.setAppBadge).toHaveBeenLastCalledWith(1);
  });
});
