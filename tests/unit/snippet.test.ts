import { describe, expect, it } from 'vitest';
import { highlight, type Segment, snippet } from '../../src/core/search/snippet';
import { analyze } from '../../src/core/text/analyze';

const terms = (...words: string[]) => new Set(words.flatMap((w) => analyze(w)));
const matched = (segments: Segment[]) => segments.filter((s) => s.match).map((s) => s.text);
const joined = (segments: Segment[]) => segments.map((s) => s.text).join('');

describe('highlight', () => {
  it('marks every word whose term was searched, and only those', () => {
    const text = 'Pneumonia is treated with antibiotics; treating early helps. Treatment of pneumonia at home.';
    const segments = highlight(text, terms('pneumonia', 'treat'));
    expect(matched(segments)).toEqual(['Pneumonia', 'treated', 'treating', 'pneumonia']);
    expect(joined(segments)).toBe(text);
    expect(segments.filter((s) => !s.match).every((s) => !/pneumonia/i.test(s.text))).toBe(true);
  });

  it('marks words written with accents when the terms are folded', () => {
    const segments = highlight('La diarrhée aiguë de l’enfant', terms('diarrhee'));
    expect(matched(segments)).toEqual(['diarrhée']);
    expect(joined(segments)).toBe('La diarrhée aiguë de l’enfant');
  });

  it('returns the text as one plain segment when nothing matches', () => {
    expect(highlight('Rest and fluids.', terms('malaria'))).toEqual([{ text: 'Rest and fluids.', match: false }]);
  });

  it('does not mark stop words even when asked for them', () => {
    expect(matched(highlight('what is the dose', new Set(['what', 'the', 'dose'])))).toEqual(['dose']);
  });
});

describe('snippet', () => {
  const filler = (n: number, word = 'lorem') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');

  it('returns a short text whole, highlighted, without ellipses', () => {
    const text = 'Give zinc for ten days.';
    expect(snippet(text, terms('zinc'))).toEqual(highlight(text, terms('zinc')));
  });

  it('cuts a long text around the match, at word boundaries, with ellipses on both sides', () => {
    const text = `${filler(80)} Severe pneumonia needs oxygen. ${filler(80, 'ipsum')}`;
    const length = 120;
    const segments = snippet(text, terms('pneumonia'), length);
    expect(segments[0]).toEqual({ text: '… ', match: false });
    expect(segments.at(-1)).toEqual({ text: ' …', match: false });
    const body = joined(segments.slice(1, -1));
    expect(body.length).toBeLessThanOrEqual(length);
    expect(body.length).toBeGreaterThan(length / 2);
    expect(matched(segments)).toEqual(['pneumonia']);
    const at = text.indexOf(body);
    expect(at).toBeGreaterThan(0);
    expect(text[at - 1]).toBe(' ');
    expect(text[at + body.length]).toBe(' ');
  });

  it('has no leading ellipsis when the match is at the start', () => {
    const text = `Pneumonia needs oxygen when severe. ${filler(100)}`;
    const segments = snippet(text, terms('pneumonia'), 100);
    expect(segments[0]).toEqual({ text: 'Pneumonia', match: true });
    expect(segments.at(-1)).toEqual({ text: ' …', match: false });
    expect(joined(segments).length).toBeLessThanOrEqual(100 + 2);
  });

  it('has no trailing ellipsis when the match is at the end', () => {
    const text = `${filler(100)} then give oxygen for pneumonia`;
    const segments = snippet(text, terms('pneumonia'), 100);
    expect(segments[0]).toEqual({ text: '… ', match: false });
    expect(segments.at(-1)).toEqual({ text: 'pneumonia', match: true });
    expect(text.endsWith(joined(segments.slice(1)))).toBe(true);
  });

  it('shows the part of the text with the most matches', () => {
    const text = `Fever once. ${filler(60)} Malaria fever: test for malaria, treat malaria. ${filler(60)}`;
    const segments = snippet(text, terms('malaria'), 100);
    expect(matched(segments)).toEqual(['Malaria', 'malaria', 'malaria']);
  });

  it('shows the beginning of a long text without matches', () => {
    const text = filler(100);
    const segments = snippet(text, terms('malaria'), 80);
    expect(text.startsWith(segments[0]!.text)).toBe(true);
    expect(segments.at(-1)).toEqual({ text: ' …', match: false });
    expect(matched(segments)).toEqual([]);
  });

  // The window is chosen as the one whose `length` characters from the first match hold the most
  // matches, but then shown from 40 characters *before* that first match: the matches at the end of
  // the chosen window fall outside what is displayed.
  it('shows every match of a cluster that fits in the snippet length', () => {
    const cluster = 'malaria aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp malaria';
    const text = `${filler(60)} ${cluster} ${filler(60)}`;
    expect(cluster.length).toBeLessThan(120);
    const segments = snippet(text, terms('malaria'), 120);
    expect(matched(segments)).toEqual(['malaria', 'malaria']);
  });
});
