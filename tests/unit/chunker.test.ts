import { describe, expect, it } from 'vitest';
import { type Chunk, chunkMarkdown } from '../../src/core/pack/chunker';
import { markdownDoc } from '../fixtures/corpus';
import { intBetween, pick, seededRandom } from '../fixtures/random';

const sentence = (words: number, end = '.') =>
  `${Array.from({ length: words }, (_, i) => (i === 0 ? 'Patients' : `word${i}`)).join(' ')}${end}`;

/** Letters and digits only: what must survive chunking, whatever the cuts and whitespace. */
const wordChars = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, '');

describe('chunkMarkdown: sections', () => {
  it('splits at ## headings and keeps each section title', () => {
    const chunks = chunkMarkdown(
      markdownDoc({
        sections: [
          ['Symptoms', 'Fever and cough.'],
          ['Treatment', 'Give amoxicillin.'],
        ],
      }),
    );
    expect(chunks).toEqual([
      { section: 'Symptoms', text: 'Fever and cough.' },
      { section: 'Treatment', text: 'Give amoxicillin.' },
    ]);
  });

  it('joins a nested ### heading to its ## parent with " › "', () => {
    const chunks = chunkMarkdown(
      '## Treatment\nGeneral care.\n### Children\nHalf the dose.\n### Adults\nFull dose.\n## Prevention\nVaccinate.',
    );
    expect(chunks.map((c) => c.section)).toEqual(['Treatment', 'Treatment › Children', 'Treatment › Adults', 'Prevention']);
    expect(chunks[2]!.text).toBe('Full dose.');
  });

  it('nests three levels and pops back up at a shallower heading', () => {
    const chunks = chunkMarkdown('## A\na\n### B\nb\n#### C\nc\n### D\nd');
    expect(chunks.map((c) => c.section)).toEqual(['A', 'A › B', 'A › B › C', 'A › D']);
  });

  it('puts text before any ## heading, the # title aside, in "Overview"', () => {
    const chunks = chunkMarkdown(
      markdownDoc({ title: 'Malaria', lead: 'Malaria is spread by mosquitoes.', sections: [['Symptoms', 'Fever.']] }),
    );
    expect(chunks).toEqual([
      { section: 'Overview', text: 'Malaria is spread by mosquitoes.' },
      { section: 'Symptoms', text: 'Fever.' },
    ]);
  });

  it('names the lead section as asked', () => {
    expect(chunkMarkdown('Intro text.', { leadSection: 'Summary' })).toEqual([{ section: 'Summary', text: 'Intro text.' }]);
  });

  it('reads headings with closing hashes and CRLF line endings', () => {
    const chunks = chunkMarkdown('## Symptoms ##\r\nFever.\r\n## Treatment\r\nRest.\r\n');
    expect(chunks).toEqual([
      { section: 'Symptoms', text: 'Fever.' },
      { section: 'Treatment', text: 'Rest.' },
    ]);
  });

  it('drops sections without text', () => {
    const chunks = chunkMarkdown('## Empty\n\n## Full\nText.');
    expect(chunks).toEqual([{ section: 'Full', text: 'Text.' }]);
  });
});

describe('chunkMarkdown: text', () => {
  it('turns scraped inline "   - item" lists into one item per line', () => {
    const [chunk] = chunkMarkdown('## Symptoms\nCommon symptoms are:   - fever   - cough with phlegm   - chest pain');
    expect(chunk!.text.split('\n')).toEqual(['Common symptoms are:', '- fever', '- cough with phlegm', '- chest pain']);
  });

  it('collapses runs of spaces and trims lines', () => {
    const [chunk] = chunkMarkdown('## A\n   Give   ORS \t after each  stool.   ');
    expect(chunk!.text).toBe('Give ORS after each stool.');
  });

  it('keeps short paragraphs of a section together, separated by a blank line', () => {
    const chunks = chunkMarkdown('## Treatment\nFirst paragraph.\n\n\nSecond paragraph.');
    expect(chunks).toEqual([{ section: 'Treatment', text: 'First paragraph.\n\nSecond paragraph.' }]);
  });

  it('splits a long paragraph at sentence ends', () => {
    const text = Array.from({ length: 10 }, () => sentence(12)).join(' ');
    const chunks = chunkMarkdown(`## A\n${text}`, { maxChars: 200, minChars: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.text).toMatch(/^Patients .*\.$/s);
  });

  it('does not leave a tiny trailing piece on its own', () => {
    const long = sentence(25);
    const tail = 'Rest well.';
    const maxChars = long.length + 20;
    const chunks = chunkMarkdown(`## A\n${long}\n\n${long}\n\n${tail}`, { maxChars, minChars: 40 });
    // Packed greedily, the tail would be an excerpt of its own ("Rest well."): too small to be an answer.
    expect(chunks.length).toBeGreaterThan(1);
    const last = chunks.at(-1)!;
    expect(last.text.length).toBeGreaterThanOrEqual(40);
    expect(last.text.endsWith(tail)).toBe(true);
    expect(wordChars(chunks.map((c) => c.text).join(' '))).toBe(wordChars(`${long} ${long} ${tail}`));
  });

  it('does not join a trailing piece across sections', () => {
    const long = sentence(25);
    const chunks = chunkMarkdown(`## A\n${long}\n## B\nRest.`, { maxChars: long.length + 5, minChars: 40 });
    expect(chunks).toEqual([
      { section: 'A', text: long },
      { section: 'B', text: 'Rest.' },
    ]);
  });

  // A paragraph is split at ". ", and "2.5" is not a sentence end: cutting there leaves one excerpt
  // ending "give 2." and the next starting "5 mg" — a dose read wrongly from either half.
  it('never cuts a decimal number such as a dose across two excerpts', () => {
    const text = `${'x'.repeat(40)} give 2.5 mg of paracetamol every six hours to the child with fever today.`;
    const chunks = chunkMarkdown(text, { maxChars: 60, minChars: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.some((c) => c.text.includes('2.5 mg'))).toBe(true);
  });

  // Splitting keeps only what its sentence pattern matches; punctuation that opens a line (".5 mg",
  // "...") matches nothing and silently disappears, turning ".5 mg/kg" into "5 mg/kg".
  it('keeps punctuation that starts a line of a long paragraph', () => {
    const lines = ['Dose for a child of 10 kg:', '.5 mg/kg twice a day', ...Array.from({ length: 8 }, () => sentence(10))];
    const chunks = chunkMarkdown(`## Dose\n${lines.join('\n')}`, { maxChars: 120, minChars: 0 });
    const out = chunks.map((c) => c.text).join('\n');
    expect(out).toContain('.5 mg/kg');
  });
});

/** A random but reproducible markdown document, with the body text each section should contain. */
function generateDocument(random: () => number, maxChars: number): { markdown: string; bodies: string[] } {
  const vocabulary = ['fever', 'cough', 'the', 'child', '2.5', 'mg/kg', 'dose', '(ORS)', 'diarrhée', 'e.g.', 'zinc', 'WHO', '10%', 'x-ray'];
  const words = (n: number) => Array.from({ length: n }, () => pick(random, vocabulary)).join(' ');
  const paragraph = (): string => {
    switch (intBetween(random, 0, 6)) {
      case 0: // a few normal sentences
        return Array.from({ length: intBetween(random, 1, 5) }, () => `${words(intBetween(random, 3, 20))}.`).join(' ');
      case 1: // a long paragraph of many sentences
        return Array.from(
          { length: intBetween(random, 10, 60) },
          () => `${words(intBetween(random, 3, 25))}${pick(random, ['.', '!', '?', '.'])}`,
        ).join(' ');
      case 2: // one long sentence without a full stop
        return words(intBetween(random, 50, 400));
      case 3: // a "word" without spaces longer than an excerpt (a URL, a sequence)
        return `See https://example.org/${'abcdefgh'.repeat(Math.ceil((maxChars * intBetween(random, 1, 3)) / 8))} for details.`;
      case 4: // a scraped inline list
        return `Give:${Array.from({ length: intBetween(random, 2, 30) }, () => `   - ${words(intBetween(random, 1, 8))}`).join('')}`;
      case 5: // lines broken inside a paragraph
        return Array.from({ length: intBetween(random, 2, 20) }, () => words(intBetween(random, 1, 15))).join('\n');
      default: // a short line
        return words(intBetween(random, 1, 4));
    }
  };
  const body = () => Array.from({ length: intBetween(random, 1, 6) }, paragraph).join('\n\n');
  const parts: string[] = [];
  const bodies: string[] = [];
  if (random() < 0.5) parts.push('# Document title');
  if (random() < 0.5) {
    const lead = body();
    parts.push(lead);
    bodies.push(lead);
  }
  for (let s = 0; s < intBetween(random, 1, 5); s++) {
    const text = body();
    parts.push(`${random() < 0.3 ? '###' : '##'} Section ${s}`, text);
    bodies.push(text);
  }
  return { markdown: parts.join('\n\n'), bodies };
}

function generatedCases(seed: number, count: number): { markdown: string; bodies: string[]; maxChars: number }[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const maxChars = pick(random, [80, 150, 400, 1200]);
    return { ...generateDocument(random, maxChars), maxChars };
  });
}

describe('chunkMarkdown: properties over generated documents', () => {
  const cases = generatedCases(20_241_125, 300);

  it('loses no text: every word of every body appears in the output, in order', () => {
    for (const [i, { markdown, bodies, maxChars }] of cases.entries()) {
      const chunks = chunkMarkdown(markdown, { maxChars });
      expect(wordChars(chunks.map((c) => c.text).join(' ')), `document ${i}`).toBe(wordChars(bodies.join(' ')));
    }
  });

  it('never produces an empty or untrimmed excerpt, nor an empty section title', () => {
    for (const { markdown, maxChars } of cases) {
      for (const c of chunkMarkdown(markdown, { maxChars })) {
        expect(c.text.length).toBeGreaterThan(0);
        expect(c.text).toBe(c.text.trim());
        expect(c.section.trim().length).toBeGreaterThan(0);
      }
    }
  });

  it('splits every excerpt down to maxChars when no trailing piece is merged (minChars 0)', () => {
    for (const [i, { markdown, maxChars }] of cases.entries()) {
      const longest = Math.max(...chunkMarkdown(markdown, { maxChars, minChars: 0 }).map((c: Chunk) => c.text.length));
      expect(longest, `document ${i}, maxChars ${maxChars}`).toBeLessThanOrEqual(maxChars);
    }
  });

  // ChunkOptions.maxChars is documented as "upper bound on an excerpt's length"; with the default
  // minChars, a short tail is merged into the previous excerpt up to 1.25 × maxChars — and the merge
  // only happens when the result is longer than maxChars (otherwise normal packing had joined them).
  it('never produces an excerpt longer than maxChars (default minChars)', () => {
    for (const [i, { markdown, maxChars }] of cases.entries()) {
      const longest = Math.max(...chunkMarkdown(markdown, { maxChars }).map((c) => c.text.length));
      expect(longest, `document ${i}, maxChars ${maxChars}`).toBeLessThanOrEqual(maxChars);
    }
  });

  it('keeps the order of sections', () => {
    for (const { markdown, maxChars } of cases) {
      const sections = chunkMarkdown(markdown, { maxChars }).map((c) => c.section);
      const numbers = sections.filter((s) => s !== 'Overview').map((s) => Number(s.split(' ').pop()));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    }
  });
});
