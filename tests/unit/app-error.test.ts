import { describe, expect, it } from 'vitest';
import { AppError, isErrorData, ERROR_CODES as KNOWN_CODES, toErrorData } from '../../src/core/errors/app-error';

describe('toErrorData', () => {
  it('turns an AppError into plain data that survives structured cloning', () => {
    const data = toErrorData(new AppError('pack/truncated', 'Cut short.', { found: 2, expected: 4 }));
    expect(data).toEqual({ code: 'pack/truncated', message: 'Cut short.', details: { found: 2, expected: 4 } });
    expect(data).not.toBeInstanceOf(Error);
    expect(structuredClone(data)).toEqual(data);
  });

  it('passes error data through', () => {
    const data = { code: 'network/failed' as const, message: 'Offline.' };
    expect(toErrorData(data)).toEqual(data);
    expect(isErrorData(data)).toBe(true);
  });

  it('recognizes a quota error from storage', () => {
    expect(toErrorData(new DOMException('Quota exceeded.', 'QuotaExceededError'))).toEqual({
      code: 'storage/quota-exceeded',
      message: 'Quota exceeded.',
    });
  });

  it('keeps the message of any other error under "unknown"', () => {
    expect(toErrorData(new TypeError('boom'))).toEqual({ code: 'unknown', message: 'boom' });
    expect(toErrorData('plain string')).toEqual({ code: 'unknown', message: 'plain string' });
    expect(toErrorData(undefined)).toEqual({ code: 'unknown', message: 'undefined' });
  });

  // Node errors carry a string `code` of their own (ENOSPC, ERR_ENCODING_INVALID_ENCODED_DATA, ...):
  // isErrorData takes them for AppErrorData, and toErrorData returns the Error itself, with a code the
  // UI cannot translate and that structured cloning to the page drops.
  it('does not pass off an error with a foreign code as error data', () => {
    const nodeError = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const data = toErrorData(nodeError);
    expect(KNOWN_CODES).toContain(data.code);
    expect(data).toEqual({ code: 'unknown', message: 'no space left on device' });
    expect(isErrorData(nodeError)).toBe(false);
  });
});
