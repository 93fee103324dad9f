import { describe, expect, it } from 'vitest';
import type { AnswerEngine, EngineId } from '../../src/engines/engine';
import { excerptsOnlyEngine } from '../../src/engines/excerpts-only-engine';
import { availableEngines, type EnginePolicy, loadPolicy, savePolicy } from '../../src/engines/router';

function engine(id: EngineId, available: boolean): AnswerEngine {
  return {
    id,
    available: () => Promise.resolve(available),
    answer: () => Promise.resolve({ text: '', model: '', finishReason: 'none' }),
  };
}

const choose = async (policy: EnginePolicy, engines: AnswerEngine[]) => (await availableEngines(policy, engines))[0]?.id;

describe('availableEngines', () => {
  const device = engine('on-device', true);
  const clinic = engine('clinic', true);

  it('auto: on the device first, then the clinic, then excerpts only', async () => {
    expect(await choose('auto', [excerptsOnlyEngine, clinic, device])).toBe('on-device');
    expect(await choose('auto', [engine('on-device', false), clinic, excerptsOnlyEngine])).toBe('clinic');
    expect(await choose('auto', [clinic, excerptsOnlyEngine])).toBe('clinic');
    expect(await choose('auto', [engine('clinic', false), excerptsOnlyEngine])).toBe('excerpts-only');
    expect(await choose('auto', [])).toBeUndefined();
  });

  it('lists the fallbacks after the first, in the policy order', async () => {
    const order = async (policy: EnginePolicy, engines: AnswerEngine[]) => (await availableEngines(policy, engines)).map((e) => e.id);
    expect(await order('auto', [excerptsOnlyEngine, clinic, device])).toEqual(['on-device', 'clinic', 'excerpts-only']);
    expect(await order('device', [excerptsOnlyEngine, clinic, device])).toEqual(['on-device', 'excerpts-only']);
    expect(await order('clinic', [excerptsOnlyEngine, clinic, device])).toEqual(['clinic']);
  });

  it('clinic: the clinic server, else nothing (the question waits in the queue)', async () => {
    expect(await choose('clinic', [device, clinic, excerptsOnlyEngine])).toBe('clinic');
    expect(await choose('clinic', [device, engine('clinic', false), excerptsOnlyEngine])).toBeUndefined();
    expect(await choose('clinic', [device, excerptsOnlyEngine])).toBeUndefined();
  });

  it('device: never the clinic server, excerpts only without a model on the tablet', async () => {
    expect(await choose('device', [clinic, device, excerptsOnlyEngine])).toBe('on-device');
    expect(await choose('device', [clinic, excerptsOnlyEngine])).toBe('excerpts-only');
    expect(await choose('device', [clinic, engine('on-device', false), excerptsOnlyEngine])).toBe('excerpts-only');
  });

  it('takes an engine whose availability check fails as unavailable', async () => {
    const asked: EngineId[] = [];
    const track = (id: EngineId, available: boolean | 'throws'): AnswerEngine => ({
      id,
      available: () => {
        asked.push(id);
        return available === 'throws' ? Promise.reject(new Error('boom')) : Promise.resolve(available);
      },
      answer: () => Promise.resolve({ text: '', model: '', finishReason: 'none' }),
    });
    expect(await choose('auto', [track('on-device', 'throws'), track('clinic', true), track('excerpts-only', true)])).toBe('clinic');
    expect(asked).toEqual(['on-device', 'clinic', 'excerpts-only']);
  });
});

describe('the stored policy', () => {
  it('is none until the user chooses, and keeps a valid choice', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    expect(loadPolicy(storage)).toBeUndefined();
    savePolicy('clinic', storage);
    expect(loadPolicy(storage)).toBe('clinic');
    map.set('answerPolicy', 'nonsense');
    expect(loadPolicy(storage)).toBeUndefined();
    expect(loadPolicy(undefined)).toBeUndefined();
  });
});
