import type { Response } from 'undici';

/** The `data:` payloads of a server-sent-events response, read to its end: JSON objects, and '[DONE]'. */
export async function sseEvents(response: Response): Promise<(Record<string, unknown> | '[DONE]')[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((event) => event.trim() !== '')
    .map((event) => {
      const data = event.replace(/^data: /, '');
      return data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as Record<string, unknown>);
    });
}
