import type { z } from 'zod';
import { AppError } from '../errors/app-error';

/** Parses one JSON line, turning a syntax error into a message that names the line. */
export function parseJsonLine(text: string, line: number, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('pack/invalid-json', `Line ${line} is not valid JSON (${what}).`, { line });
  }
}

/** Validates a value, naming the line and the first field that is wrong. */
export function validateLine<T extends z.ZodType>(
  schema: T,
  value: unknown,
  line: number,
  code: 'pack/invalid-field' | 'corpus/invalid-record' = 'pack/invalid-field',
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || '(record)';
  throw new AppError(code, `Line ${line}, field "${field}": ${issue.message}.`, {
    line,
    field,
    reason: issue.message,
  });
}
