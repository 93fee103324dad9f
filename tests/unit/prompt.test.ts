import { describe, expect, it } from 'vitest';
import { AppError, toErrorData } from '../../src/core/errors/app-error';
import { type BuiltPrompt, buildPrompt, type PromptExcerpt, type PromptInput } from '../../src/core/prompt/build-prompt';
import { parseCitations } from '../../src/core/prompt/citations';
import { TRUNCATION_MARK } from '../../src/core/prompt/fit-excerpts';
import { PROMPT_STRINGS, type PromptLanguage, promptStringsFor } from '../../src/core/prompt/prompt-strings';
import { estimateTokens } from '../../src/core/prompt/tokens';

const excerpt = (n: number, text: string, extra: Partial<PromptExcerpt> = {}): PromptExcerpt => ({
  id: `ex-${n}`,
  docTitle: `Document ${n}`,
  section: `Section ${n}`,
  source: `SRC${n}`,
  text,
  ...extra,
});

const EXCERPTS = [
  excerpt(1, 'Give ORS after each loose stool. Continue breastfeeding.', { citation: 'WHO. Pocket book, 2013.' }),
  excerpt(2, 'Give zinc for 10 to 14 days. Zinc shortens the episode.'),
  excerpt(3, 'Refer urgently a child who cannot drink. Check for danger signs first. Keep the child warm on the way.'),
];
const QUESTION = 'How do I treat diarrhoea in a 2-year-old?';
const LANGUAGES = Object.keys(PROMPT_STRINGS) as PromptLanguage[];

function base<P extends 'chat' | 'completion' = 'chat'>(
  overrides: Partial<Omit<PromptInput, 'profile'>> & { profile?: P } = {},
): PromptInput & { profile: P } {
  return { question: QUESTION, excerpts: EXCERPTS, language: 'en', profile: 'chat' as P, tokenBudget: 100_000, ...overrides };
}

/** The whole text a model reads. */
const textOf = (prompt: BuiltPrompt) => (prompt.profile === 'chat' ? prompt.messages.map((m) => m.content).join('\n') : prompt.prompt);
/** One character a token: budgets in tests are exact. */
const chars = (text: string) => text.length;
const costInChars = (prompt: BuiltPrompt) =>
  prompt.profile === 'chat' ? prompt.messages.reduce((n, m) => n + m.content.length + 8, 0) : prompt.prompt.length;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('buildPrompt: chat', () => {
  it('numbers the excerpts [1]..[k] in rank order, with title, section, citation or source, and text', () => {
    const prompt = buildPrompt(base({ profile: 'chat' }));
    expect(prompt.sources).toEqual([
      { n: 1, excerptId: 'ex-1' },
      { n: 2, excerptId: 'ex-2' },
      { n: 3, excerptId: 'ex-3' },
    ]);
    const system = prompt.messages[0]!.content;
    expect(prompt.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(system).toContain(`[1] Document 1 — Section 1 (WHO. Pocket book, 2013.)\n${EXCERPTS[0]!.text}`);
    expect(system).toContain(`[2] Document 2 — Section 2 (SRC2)\n${EXCERPTS[1]!.text}`);
    const at = [1, 2, 3].map((n) => system.indexOf(`[${n}] Document ${n}`));
    expect(at[0]).toBeGreaterThan(0);
    expect(at).toEqual([...at].sort((a, b) => a - b));
  });

  it('gives the rules: sources only, citations, say when unanswered, brief, urgent referral, the language', () => {
    const system = buildPrompt(base()).messages[0]!.content;
    for (const line of [...PROMPT_STRINGS.en.rules, 'Answer in English.']) expect(system).toContain(`- ${line}`);
    expect(system).toMatch(/only the sources/);
    expect(system).toMatch(/\[1\], \[2\]/);
    expect(system).toMatch(/do not answer the question, say so/);
    expect(system).toMatch(/urgent referral/);
  });

  it('asks the question as the user, after what is known of the patient', () => {
    const plain = buildPrompt(base());
    expect(plain.messages[1]).toEqual({ role: 'user', content: QUESTION });
    const withPatient = buildPrompt(
      base({ context: { ageBand: '1-4y', sex: 'female', pregnant: false, setting: 'health post' }, language: 'fr' }),
    );
    expect(withPatient.messages[1]!.content).toBe(
      `Patient: âge 1-4y, sexe féminin, pas enceinte, lieu de soins: health post\n\n${QUESTION}`,
    );
    expect(buildPrompt(base({ context: {} })).messages[1]!.content).toBe(QUESTION);
  });

  it('says there are no sources when there are none', () => {
    const prompt = buildPrompt(base({ excerpts: [] }));
    expect(prompt.sources).toEqual([]);
    expect(prompt.messages[0]!.content).toContain('Sources: (none found)');
  });
});

describe('buildPrompt: instructions in each language', () => {
  it.each(LANGUAGES)('%s: rules, and the answer language named, in that language', (language) => {
    const strings = PROMPT_STRINGS[language];
    const chat = buildPrompt(base({ language }));
    const system = chat.messages[0]!.content;
    expect(system.startsWith(strings.role)).toBe(true);
    for (const line of [...strings.rules, strings.answerIn]) expect(system).toContain(line);
    expect(system).toContain(`${strings.labels.sources}:\n[1]`);
    const completion = buildPrompt(base({ language, profile: 'completion' }));
    expect(completion.prompt.startsWith(`${strings.completionIntro} ${strings.answerIn}`)).toBe(true);
    expect(completion.prompt.endsWith(`${strings.labels.question}: ${QUESTION}\n${strings.labels.answer}:`)).toBe(true);
  });

  it('translates every instruction, and names each language', () => {
    const named = { en: /English/, fr: /français/, es: /español/, pt: /português/, ar: /العربية/, sw: /Kiswahili/ };
    for (const language of LANGUAGES) {
      const strings = PROMPT_STRINGS[language];
      expect(strings.answerIn).toMatch(named[language]);
      expect(strings.rules).toHaveLength(PROMPT_STRINGS.en.rules.length);
      expect(strings.demonstrations).toHaveLength(PROMPT_STRINGS.en.demonstrations.length);
      if (language === 'en') continue;
      const english = PROMPT_STRINGS.en;
      for (const [i, rule] of strings.rules.entries()) expect(rule).not.toBe(english.rules[i]);
      for (const key of ['role', 'answerIn', 'completionIntro'] as const) expect(strings[key]).not.toBe(english[key]);
      for (const [i, demo] of strings.demonstrations.entries()) {
        expect(demo.question).not.toBe(english.demonstrations[i]!.question);
        expect(demo.answer).not.toBe(english.demonstrations[i]!.answer);
      }
    }
  });

  it('reads a regional tag as its language and falls back to English', () => {
    expect(promptStringsFor('pt-BR')).toBe(PROMPT_STRINGS.pt);
    expect(promptStringsFor('FR')).toBe(PROMPT_STRINGS.fr);
    expect(promptStringsFor('de')).toBe(PROMPT_STRINGS.en);
    expect(promptStringsFor('')).toBe(PROMPT_STRINGS.en);
  });
});

describe('buildPrompt: completion', () => {
  it('shows two demonstrations, then the real sources and question, and ends with the answer label', () => {
    const prompt = buildPrompt(base({ profile: 'completion' }));
    const [answered, unanswered] = PROMPT_STRINGS.en.demonstrations;
    expect(prompt.prompt).toContain(`Question: ${answered!.question}\nAnswer: ${answered!.answer}`);
    expect(prompt.prompt).toContain(`Question: ${unanswered!.question}\nAnswer: ${unanswered!.answer}`);
    expect(prompt.prompt.endsWith(`[3] Document 3 — Section 3 (SRC3)\n${EXCERPTS[2]!.text}\nQuestion: ${QUESTION}\nAnswer:`)).toBe(true);
    expect(prompt.prompt.indexOf(unanswered!.answer)).toBeLessThan(prompt.prompt.indexOf('[1] Document 1'));
    expect(prompt.sources.map((s) => s.excerptId)).toEqual(['ex-1', 'ex-2', 'ex-3']);
    expect(prompt.stop).toEqual(['\nQuestion:', '\n\nSources:']);
  });

  it('puts the patient before the question', () => {
    const prompt = buildPrompt(base({ profile: 'completion', context: { ageBand: '15-49y', pregnant: true } }));
    expect(prompt.prompt.endsWith(`Patient: age 15-49y, pregnant\nQuestion: ${QUESTION}\nAnswer:`)).toBe(true);
  });

  it('takes as many demonstrations as asked, up to those written', () => {
    const demos = PROMPT_STRINGS.en.demonstrations;
    const count = (n: number) => {
      const prompt = buildPrompt(base({ profile: 'completion', demonstrations: n })).prompt;
      return demos.filter((d) => prompt.includes(d.answer)).length;
    };
    expect([0, 1, 2, 5].map(count)).toEqual([0, 1, 2, 2]);
  });

  it.each(LANGUAGES)('%s: one demonstration cites [1] and [2], one says the sources do not answer', (language) => {
    const strings = PROMPT_STRINGS[language];
    const [answered, unanswered] = strings.demonstrations;
    expect(answered!.sources).toHaveLength(2);
    expect(parseCitations(answered!.answer, 2).cited).toEqual([1, 2]);
    expect(parseCitations(unanswered!.answer, 2).cited).toEqual([]);
    const prompt = buildPrompt(base({ language, profile: 'completion' }));
    expect(prompt.stop).toEqual([`\n${strings.labels.question}:`, `\n\n${strings.labels.sources}:`]);
    // A stop string inside an example would teach the model to stop mid-answer.
    for (const demo of strings.demonstrations) {
      for (const stop of prompt.stop) expect(`${demo.answer}\n`).not.toContain(stop);
    }
    // Each example and the real question start a block of sources: the stop falls exactly there.
    expect(prompt.prompt.split(`\n\n${strings.labels.sources}:`)).toHaveLength(strings.demonstrations.length + 2);
  });
});

describe('buildPrompt: token budget', () => {
  const full = (profile: 'chat' | 'completion') => costInChars(buildPrompt(base({ profile, countTokens: chars })));
  const bare = (profile: 'chat' | 'completion') => costInChars(buildPrompt(base({ profile, excerpts: [], countTokens: chars })));

  it.each(['chat', 'completion'] as const)('%s: keeps everything when it fits, to the token', (profile) => {
    const prompt = buildPrompt(base({ profile, countTokens: chars, tokenBudget: full(profile) }));
    expect(prompt.sources).toHaveLength(3);
    expect(textOf(prompt)).not.toContain(TRUNCATION_MARK);
  });

  it.each(['chat', 'completion'] as const)('%s: drops the lowest-ranked first, then cuts the last kept at a sentence', (profile) => {
    // One character short of the whole third excerpt: its last sentence goes.
    const prompt = buildPrompt(base({ profile, countTokens: chars, tokenBudget: full(profile) - 1 }));
    expect(prompt.sources.map((s) => s.excerptId)).toEqual(['ex-1', 'ex-2', 'ex-3']);
    expect(textOf(prompt)).toContain(
      `[3] Document 3 — Section 3 (SRC3)\nRefer urgently a child who cannot drink. Check for danger signs first.${TRUNCATION_MARK}`,
    );
    expect(textOf(prompt)).not.toContain('Keep the child warm');
    expect(textOf(prompt)).toContain(EXCERPTS[1]!.text);
  });

  it.each(['chat', 'completion'] as const)('%s: never cuts the question, whatever the budget', (profile) => {
    const low = bare(profile);
    const high = full(profile);
    let previous = -1;
    for (let budget = low; budget <= high; budget++) {
      const prompt = buildPrompt(base({ profile, countTokens: chars, tokenBudget: budget }));
      expect(costInChars(prompt)).toBeLessThanOrEqual(budget);
      expect(textOf(prompt)).toContain(QUESTION);
      const ids = prompt.sources.map((s) => s.excerptId);
      expect(ids).toEqual(EXCERPTS.slice(0, ids.length).map((e) => e.id));
      expect(prompt.sources.length).toBeGreaterThanOrEqual(previous);
      previous = prompt.sources.length;
      // Only the last source may be cut, and only at the end of a sentence.
      const text = textOf(prompt);
      for (const [i, source] of prompt.sources.entries()) {
        const whole = EXCERPTS[i]!.text;
        if (text.includes(whole)) continue;
        expect(i).toBe(prompt.sources.length - 1);
        const cut = new RegExp(`\\[${source.n}\\] [^\\n]+\\n(.+?)${TRUNCATION_MARK}`).exec(text)![1]!;
        expect(whole.startsWith(cut)).toBe(true);
        expect(cut).toMatch(/\.$/);
      }
    }
    expect(buildPrompt(base({ profile, countTokens: chars, tokenBudget: low })).sources).toEqual([]);
  });

  it.each(['chat', 'completion'] as const)('%s: throws prompt/too-long when the question alone does not fit', (profile) => {
    const budget = bare(profile) - 1;
    const error = thrown(() => buildPrompt(base({ profile, countTokens: chars, tokenBudget: budget })));
    expect(error).toBeInstanceOf(AppError);
    expect(toErrorData(error)).toEqual({
      code: 'prompt/too-long',
      message: expect.any(String),
      details: { tokens: budget + 1, budget },
    });
    const long = 'Why? '.repeat(20_000);
    expect(toErrorData(thrown(() => buildPrompt(base({ profile, question: long, tokenBudget: 4096 })))).code).toBe('prompt/too-long');
  });

  it('drops an excerpt whose first sentence does not fit rather than cut it mid-sentence', () => {
    const long = excerpt(9, `${'word '.repeat(200)}end. Second sentence.`);
    const budget = costInChars(buildPrompt(base({ excerpts: [], countTokens: chars }))) + 100;
    const prompt = buildPrompt(base({ excerpts: [long], countTokens: chars, tokenBudget: budget }));
    expect(prompt.sources).toEqual([]);
  });

  it('counts with the default estimate when no tokenizer is given', () => {
    const prompt = buildPrompt(base({ tokenBudget: 300 }));
    const used = prompt.messages.reduce((n, m) => n + estimateTokens(m.content) + 8, 0);
    expect(used).toBeLessThanOrEqual(300);
    expect(prompt.sources.length).toBeLessThan(3);
  });
});

describe('estimateTokens', () => {
  it('counts Latin script at 3 characters a token, rounding up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abc')).toBe(1);
    expect(estimateTokens('abcd')).toBe(2);
    expect(estimateTokens('Mtoto mwenye kuhara apewe ORS.')).toBe(10);
    expect(estimateTokens('é'.repeat(30))).toBe(10);
  });

  it('counts each letter of other scripts as a token, so Arabic is not undercounted', () => {
    expect(estimateTokens('بب بب')).toBe(5);
    const arabic = PROMPT_STRINGS.ar.role;
    expect(estimateTokens(arabic)).toBeGreaterThan(arabic.length / 1.5);
  });
});

describe('parseCitations', () => {
  it('splits text and citations, and lists the sources cited in order of first citation', () => {
    expect(parseCitations('Give ORS [2]. Add zinc [1].', 3)).toEqual({
      segments: [{ text: 'Give ORS ' }, { cite: 2 }, { text: '. Add zinc ' }, { cite: 1 }, { text: '.' }],
      cited: [2, 1],
    });
  });

  it('reads lists and runs of citations', () => {
    expect(parseCitations('A [2, 3] B [1][2] C [ 1 ,3 ]', 3)).toEqual({
      segments: [
        { text: 'A ' },
        { cite: 2 },
        { cite: 3 },
        { text: ' B ' },
        { cite: 1 },
        { cite: 2 },
        { text: ' C ' },
        { cite: 1 },
        { cite: 3 },
      ],
      cited: [2, 3, 1],
    });
    expect(parseCitations('[1, 1]', 1).segments).toEqual([{ cite: 1 }]);
  });

  it('keeps out-of-range numbers and other brackets as text', () => {
    expect(parseCitations('See [4] and [0] and [1, 9] and [a] and [] and [1].', 3)).toEqual({
      segments: [{ text: 'See [4] and [0] and [1, 9] and [a] and [] and ' }, { cite: 1 }, { text: '.' }],
      cited: [1],
    });
    expect(parseCitations('No sources say so [1].', 0)).toEqual({ segments: [{ text: 'No sources say so [1].' }], cited: [] });
  });

  it('reads Arabic-Indic digits and the Arabic comma', () => {
    expect(parseCitations('أعطِ محلول الإمهاء [١، ٢].', 2)).toEqual({
      segments: [{ text: 'أعطِ محلول الإمهاء ' }, { cite: 1 }, { cite: 2 }, { text: '.' }],
      cited: [1, 2],
    });
    expect(parseCitations('[۳]', 3).cited).toEqual([3]);
  });

  it('does not break on a streaming answer cut anywhere, and never cites a number still being written', () => {
    const answer = 'Give ORS [1]. Refer [12]. Zinc [2, 3][1].';
    const cites = (text: string) => parseCitations(text, 12).segments.flatMap((s) => ('cite' in s ? [s.cite] : []));
    const allCites = cites(answer);
    expect(allCites).toEqual([1, 12, 2, 3, 1]);
    for (let end = 0; end <= answer.length; end++) {
      const partial = answer.slice(0, end);
      const { segments } = parseCitations(partial, 12);
      // No text lost, and the citations so far are those of the whole answer, none guessed early.
      const text = segments.flatMap((s) => ('text' in s ? [s.text] : [])).join('');
      expect(text).toBe(partial.replace(/\[\d+(, \d+)*\]/g, ''));
      const sofar = cites(partial);
      expect(allCites.slice(0, sofar.length)).toEqual(sofar);
    }
    expect(parseCitations('Give ORS [', 3).segments).toEqual([{ text: 'Give ORS [' }]);
    expect(parseCitations('Give ORS [1', 3).segments).toEqual([{ text: 'Give ORS [1' }]);
    expect(parseCitations('Refer [1', 12).cited).toEqual([]);
    expect(parseCitations('Zinc [2, ', 3).segments).toEqual([{ text: 'Zinc [2, ' }]);
    expect(parseCitations('', 3)).toEqual({ segments: [], cited: [] });
  });
});
