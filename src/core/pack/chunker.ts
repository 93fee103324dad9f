export interface Chunk {
  /** Section title, nested headings joined with " › ". */
  section: string;
  text: string;
}

export interface ChunkOptions {
  /** Upper bound on an excerpt's length in characters. */
  maxChars?: number;
  /** A trailing piece shorter than this joins the previous excerpt of the same section. */
  minChars?: number;
  /** Section name for text that comes before the first heading. */
  leadSection?: string;
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

/**
 * Splits a markdown document at its headings into excerpts of bounded length, each keeping the
 * title of the section it came from, so a search hit can say where in the document it sits.
 */
export function chunkMarkdown(markdown: string, options: ChunkOptions = {}): Chunk[] {
  const maxChars = options.maxChars ?? 1200;
  const minChars = options.minChars ?? 250;
  const chunks: Chunk[] = [];
  const path: string[] = [];
  let body: string[] = [];

  const flush = () => {
    const section = path.filter(Boolean).join(' › ') || options.leadSection || 'Overview';
    for (const text of packParagraphs(paragraphsOf(body.join('\n')), maxChars, minChars)) {
      chunks.push({ section, text });
    }
    body = [];
  };

  for (const line of markdown.split(/\r?\n/)) {
    const heading = HEADING.exec(line);
    if (!heading) {
      body.push(line);
      continue;
    }
    flush();
    const level = heading[1]!.length;
    // The document title (#) is not a section; ## starts one, deeper levels nest under it.
    if (level === 1) path.length = 0;
    else {
      path.length = Math.max(0, level - 2);
      path[level - 2] = heading[2]!.trim();
    }
  }
  flush();
  return chunks;
}

function paragraphsOf(text: string): string[] {
  return (
    text
      // Scraped lists often arrive inline as "   - item   - item"; give each item its own line.
      .replace(/[ \t]{2,}-[ \t]+/g, '\n- ')
      .split(/\n\s*\n/)
      .map((p) =>
        p
          .split('\n')
          .map((l) => l.replace(/[ \t]+/g, ' ').trim())
          .filter(Boolean)
          .join('\n'),
      )
      .filter((p) => p.length > 0)
  );
}

function packParagraphs(paragraphs: string[], maxChars: number, minChars: number): string[] {
  const pieces = paragraphs.flatMap((p) => (p.length <= maxChars ? [p] : splitLong(p, maxChars)));
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current && current.length + 2 + piece.length > maxChars) {
      out.push(current);
      current = piece;
    } else {
      current = current ? `${current}\n\n${piece}` : piece;
    }
  }
  if (current) {
    const last = out.length - 1;
    if (current.length < minChars && last >= 0) {
      out.splice(last, 1, ...splitEvenly(`${out[last]}\n\n${current}`, maxChars));
    } else {
      out.push(current);
    }
  }
  return out;
}

/** Splits at sentence ends, then at spaces, so no piece exceeds maxChars. */
function splitLong(paragraph: string, maxChars: number): string[] {
  const sentences = paragraph.split(/(?<=[.!?]\s+|\n)(?=\S)/);
  const out: string[] = [];
  let current = '';
  for (const raw of sentences) {
    for (const sentence of raw.length <= maxChars ? [raw] : splitAtSpaces(raw, maxChars)) {
      if (current && current.length + sentence.length > maxChars) {
        out.push(current.trim());
        current = '';
      }
      current += sentence;
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function splitAtSpaces(text: string, maxChars: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    const cut = rest.lastIndexOf(' ', maxChars);
    const at = cut > maxChars / 2 ? cut : maxChars;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  if (rest) out.push(rest);
  return out;
}

/** Cuts text in two near its middle, at whitespace, each half at most maxChars. */
function splitEvenly(text: string, maxChars: number): string[] {
  if (text.length <= maxChars) return [text];
  let best = -1;
  for (let i = 0; i < text.length; i++) {
    if (!/\s/.test(text[i]!) || i > maxChars || text.length - i - 1 > maxChars) continue;
    if (best < 0 || Math.abs(i - text.length / 2) < Math.abs(best - text.length / 2)) best = i;
  }
  return best < 0 ? [text] : [text.slice(0, best).trim(), text.slice(best).trim()];
}
