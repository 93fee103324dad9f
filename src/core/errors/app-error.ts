/**
 * Expected failures travel as data across every boundary (worker messages, HTTP), never as bare
 * strings, so the UI can translate them and tests can assert on the code.
 */
export const ERROR_CODES = [
  'pack/invalid-json',
  'pack/invalid-field',
  'pack/missing-manifest',
  'pack/hash-mismatch',
  'pack/count-mismatch',
  'pack/truncated',
  'pack/duplicate-excerpt',
  'pack/older-version',
  'pack/version-conflict',
  'pack/empty',
  'pack/not-text',
  'pack/unsigned',
  'pack/untrusted-key',
  'pack/bad-signature',
  'pack/signature-unsupported',
  'pack/delta-mismatch',
  'sync/outdated-app',
  'corpus/invalid-record',
  'storage/quota-exceeded',
  'storage/failed',
  'network/failed',
  'clinic/invalid-code',
  'clinic/server-error',
  'prompt/too-long',
  'outbox/empty-answer',
  'unknown',
] as const;
const KNOWN = new Set<string>(ERROR_CODES);
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorData {
  code: ErrorCode;
  message: string;
  details?: Record<string, string | number | boolean | null>;
}

export class AppError extends Error implements AppErrorData {
  readonly code: ErrorCode;
  readonly details?: AppErrorData['details'];

  constructor(code: ErrorCode, message: string, details?: AppErrorData['details']) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toData(): AppErrorData {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Any thrown value as error data; unknown failures keep their message but lose nothing else. */
export function toErrorData(error: unknown): AppErrorData {
  if (error instanceof AppError) return error.toData();
  if (isErrorData(error)) return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  const name = (error as { name?: unknown })?.name;
  if (name === 'QuotaExceededError') {
    return { code: 'storage/quota-exceeded', message: String((error as Error).message) };
  }
  return { code: 'unknown', message: error instanceof Error ? error.message : String(error) };
}

export function isErrorData(value: unknown): value is AppErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    KNOWN.has((value as AppErrorData).code) &&
    typeof (value as AppErrorData).message === 'string'
  );
}
