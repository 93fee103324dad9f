import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors/app-error';
import { applyDelta, makeDelta, type PackDelta, readDelta } from '../../src/core/pack/pack-delta';
import { contentHash, type ParsedPack } from '../../src/core/pack/pack-reader';
import type { Excerpt } from '../../src/core/pack/pack-schema';
import { chunksOf, makeExcerpt, makeExcerpts, makePackParts } from '../fixtures/pack';
import { intBetween, pick, seededRandom } from '../fixtures/random';

const v1Excerpts = makeExcerpts(100);
const v1 = makePackParts({ id: 'delta-pack', version: '1', excerpts: v1Excerpts });
const v2 = (excerpts: Excerpt[]) => makePackParts({ id: 'delta-pack', version: '2', excerpts });

/** The same excerpt with other text: a changed excerpt, as a new version of a guideline makes one. */
const edited = (e: Excerpt, tag = 'revised') => ({ ...e, text: `${e.text} (${tag})` });

/**
 * makeDelta → readDelta (in small chunks, as a download delivers it) → applyDelta, checked against
 * the new pack: excerpts, content hash and manifest. Returns the delta's text and the result.
 */
async function roundTrip(from: ParsedPack, to: ParsedPack) {
  const text = makeDelta(from, to);
  const delta = await readDelta(chunksOf(text, 7));
  const result = applyDelta(from.manifest, from.excerpts, delta);
  expect(result.excerpts).toEqual(to.excerpts);
  expect(contentHash(result.excerpts)).toBe(to.manifest.contentHash);
  expect(result.manifest).toEqual(to.manifest);
  const { kept, added, changed, removed } = result.stats;
  expect(kept + added + changed).toBe(to.excerpts.length);
  expect(kept + changed + removed).toBe(from.excerpts.length);
  return { text, lines: text.trimEnd().split('\n'), delta, result };
}

/** The AppError a step throws; fails the test when it succeeds or throws something else. */
async function refusal(step: () => unknown): Promise<AppError> {
  try {
    await step();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('the delta was accepted');
}

/** A delta file by hand: v1 → v2's header, then the given body lines. */
function handMade(...body: string[]): string {
  const header = makeDelta(v1, v1).split('\n')[0]!;
  return `${[header, ...body].join('\n')}\n`;
}

describe('pack delta: round trips', () => {
  it('describes an unchanged pack with one copy line', async () => {
    const { lines, result } = await roundTrip(v1, v2(v1Excerpts));
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toEqual({ copy: [0, 100] });
    expect(result.stats).toEqual({ kept: 100, added: 0, changed: 0, removed: 0 });
  });

  it('writes only the 5% of excerpts that changed', async () => {
    const changedAt = new Set([10, 30, 50, 70, 90]);
    const { lines, result } = await roundTrip(v1, v2(v1Excerpts.map((e, i) => (changedAt.has(i) ? edited(e) : e))));
    expect(result.stats).toEqual({ kept: 95, added: 0, changed: 5, removed: 0 });
    // Six copy runs around the five changed excerpts, after the header.
    expect(lines).toHaveLength(1 + 6 + 5);
    expect(lines.filter((l) => l.startsWith('{"copy"'))).toHaveLength(6);
  });

  it.each([
    ['start', 0],
    ['middle', 50],
    ['end', 100],
  ])('adds excerpts at the %s', async (_, at) => {
    const added = makeExcerpts(3, { from: 1000 });
    const { result } = await roundTrip(v1, v2([...v1Excerpts.slice(0, at), ...added, ...v1Excerpts.slice(at)]));
    expect(result.stats).toEqual({ kept: 100, added: 3, changed: 0, removed: 0 });
  });

  it('leaves removed excerpts out', async () => {
    const { lines, result } = await roundTrip(v1, v2(v1Excerpts.filter((_, i) => i % 10 !== 3)));
    expect(result.stats).toEqual({ kept: 90, added: 0, changed: 0, removed: 10 });
    expect(lines.slice(1).every((l) => l.startsWith('{"copy"'))).toBe(true);
  });

  it('copies reordered excerpts without writing them again', async () => {
    const reordered = [...v1Excerpts.slice(60), ...v1Excerpts.slice(20, 60).reverse(), ...v1Excerpts.slice(0, 20)];
    const { result } = await roundTrip(v1, v2(reordered));
    expect(result.stats).toEqual({ kept: 100, added: 0, changed: 0, removed: 0 });
  });

  it('writes every excerpt when all were replaced', async () => {
    const { lines, result } = await roundTrip(v1, v2(makeExcerpts(80, { tag: 'b' })));
    expect(result.stats).toEqual({ kept: 0, added: 0, changed: 80, removed: 20 });
    expect(lines.slice(1).some((l) => l.startsWith('{"copy"'))).toBe(false);
  });

  it('round-trips 200 random edits (seeded)', async () => {
    const random = seededRandom(20_260_517);
    let fresh = 10_000;
    for (let n = 0; n < 200; n++) {
      const from = makePackParts({ id: 'random', version: '1', excerpts: makeExcerpts(intBetween(random, 1, 40)) });
      const excerpts = [...from.excerpts];
      for (let edits = intBetween(random, 0, 8); edits > 0; edits--) {
        const at = intBetween(random, 0, excerpts.length - 1);
        const op = pick(random, ['insert', 'remove', 'change', 'move'] as const);
        if (op === 'insert') excerpts.splice(intBetween(random, 0, excerpts.length), 0, makeExcerpt(fresh++));
        else if (op === 'change') excerpts[at] = edited(excerpts[at]!, `r${n}`);
        else if (op === 'move') excerpts.splice(intBetween(random, 0, excerpts.length - 1), 0, ...excerpts.splice(at, 1));
        // A pack keeps at least one excerpt.
        else if (excerpts.length > 1) excerpts.splice(at, 1);
      }
      await roundTrip(from, makePackParts({ id: 'random', version: '2', excerpts }));
    }
  });
});

describe('pack delta: refusals', () => {
  const delta = () => readDelta([makeDelta(v1, v2(v1Excerpts.map((e, i) => (i === 5 ? edited(e) : e))))]);

  it('refuses to apply to other installed content than it was made from', async () => {
    const other = makePackParts({ id: 'delta-pack', version: '1', excerpts: makeExcerpts(100, { tag: 'other' }) });
    const error = await refusal(async () => applyDelta(other.manifest, other.excerpts, await delta()));
    expect(error.code).toBe('pack/delta-mismatch');
    expect(error.details).toMatchObject({ installed: '1', from: '1' });

    const otherPack = makePackParts({ id: 'another-pack', version: '1', excerpts: v1Excerpts });
    expect((await refusal(async () => applyDelta(otherPack.manifest, v1Excerpts, await delta()))).code).toBe('pack/delta-mismatch');
  });

  it('refuses a copy run past the installed excerpts', async () => {
    const parsed: PackDelta = await readDelta([handMade('{"copy":[0,98]}', '{"copy":[98,5]}')]);
    const error = await refusal(() => applyDelta(v1.manifest, v1.excerpts, parsed));
    expect(error.code).toBe('pack/delta-mismatch');
    expect(error.message).toMatch(/does not have/);
  });

  it.each([
    ['a line that is not JSON', handMade('{"copy":[0,10]}', '{"copy":[10,'), 'pack/invalid-json', 3, undefined],
    [
      'a header of another format',
      `${JSON.stringify({ format: 'meditron-field-pack', formatVersion: 1 })}\n`,
      'pack/invalid-field',
      1,
      'format',
    ],
    ['a copy run with a negative start', handMade('{"copy":[-1,2]}'), 'pack/invalid-field', 2, 'copy.0'],
    ['a copy run of nothing', handMade('{"copy":[0,0]}'), 'pack/invalid-field', 2, 'copy.1'],
    ['a copy run with one number', handMade('{"copy":[4]}'), 'pack/invalid-field', 2, 'copy'],
    ['an excerpt without text', handMade(JSON.stringify({ ...makeExcerpt(7), text: undefined })), 'pack/invalid-field', 2, 'text'],
    ['a line that is an array', handMade('{"copy":[0,100]}', '[1,2]'), 'pack/invalid-field', 3, '(record)'],
  ])('refuses %s, naming the line', async (_, file, code, line, field) => {
    const error = await refusal(() => readDelta(chunksOf(file, 5)));
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject(field ? { line, field } : { line });
    expect(error.message).toMatch(new RegExp(`^Line ${line}\\b`));
  });

  it('refuses an empty file', async () => {
    for (const file of ['', '\n\n', '\uFEFF']) expect((await refusal(() => readDelta([file]))).code).toBe('pack/empty');
  });
});
