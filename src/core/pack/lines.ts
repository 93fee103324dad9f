/**
 * Text lines from a stream of decoded string chunks, numbered from 1; blank lines are skipped, and so is
 * a byte order mark at the start (Windows editors write one).
 */
export async function* numberedLines(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<{ line: number; text: string }> {
  let rest = '';
  let line = 0;
  let started = false;
  for await (const chunk of chunks) {
    // Only the new text is searched for a line end: a long line is scanned once, not once a chunk.
    const from = rest.length;
    rest += started ? chunk : chunk.replace(/^\uFEFF/, '');
    started ||= chunk.length > 0;
    let start = 0;
    for (let nl = rest.indexOf('\n', from); nl >= 0; nl = rest.indexOf('\n', start)) {
      line++;
      const text = rest.slice(start, nl).replace(/\r$/, '');
      if (text.trim()) yield { line, text };
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  if (rest.trim()) yield { line: line + 1, text: rest.replace(/\r$/, '') };
}
