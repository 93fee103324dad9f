import type { Response } from 'undici';

/**
 * Reads a server-sent-events response to its end: the JSON `data:` payloads in order, and whether the
 * stream ended with `data: [DONE]` (and had it nowhere else).
 */
export async function sseEvents<T>(response: Response): Promise<{ events: T[]; done: boolean }> {
  const payloads = (await response.text())
    .split('\n\n')
    .filter((event) => event.trim() !== '')
    .map((event) => event.replace(/^data: /, ''));
  const done = payloads.at(-1) === '[DONE]' && payloads.indexOf('[DONE]') === payloads.length - 1;
  return { events: payloads.filter((data) => data !== '[DONE]').map((data) => JSON.parse(data) as T), done };
}
