/** Server-sent events as OpenAI-compatible servers use them: one JSON `data:` line an event. */

/** One event carrying `value` as JSON (or the `[DONE]` marker), ready to write. */
export function sseEvent(value: unknown): string {
  return `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;
}

/**
 * The `data` payload of each event in a byte stream. Other fields (event:, id:, retry:, comments)
 * carry nothing an OpenAI-compatible client needs, so they are skipped.
 */
export async function* sseData(stream: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  // A streaming decoder: a multi-byte character may be split between two network chunks.
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  for await (const chunk of stream) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line === '') {
        if (data.length > 0) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
  }
  if (buffer.startsWith('data:')) data.push(buffer.slice(buffer.startsWith('data: ') ? 6 : 5));
  if (data.length > 0) yield data.join('\n');
}
