/** Text lines from a stream of decoded string chunks, numbered from 1; blank lines are skipped. */
export async function* numberedLines(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<{ line: number; text: string }> {
  let rest = '';
  let line = 0;
  for await (const chunk of chunks) {
    rest += chunk;
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      line++;
      const text = rest.slice(0, nl).replace(/\r$/, '');
      if (text.trim()) yield { line, text };
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
  }
  if (rest.trim()) yield { line: line + 1, text: rest.replace(/\r$/, '') };
}
