import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogModel } from '../../src/core/models/catalog';
import type { LibraryDb, StoredModel } from '../../src/db/library-db';
import { activateModel, activeModel, putModel } from '../../src/db/model-store';
import { EngineError } from '../../src/engines/engine';
import { createOnDeviceEngine } from '../../src/engines/on-device-engine';
import { OnDeviceError, type OnDeviceRuntime } from '../../src/models/on-device-runtime';
import { openTestLibrary } from '../fixtures/library';

const opened: LibraryDb[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

function catalogModel(id: string, promptProfile: 'chat' | 'completion' = 'chat'): CatalogModel {
  return {
    id,
    kind: 'gguf',
    files: [{ path: `${id}.gguf`, size: 10 }],
    totalBytes: 10,
    url: `/models/${id}.gguf`,
    requirements: { memoryBytes: 100, shaderF16: false, contextTokens: 1024, promptProfile },
  };
}

async function tablet(models: { id: string; state?: StoredModel['state']; profile?: 'chat' | 'completion' }[], active?: string) {
  const db = openTestLibrary('on-device');
  opened.push(db);
  for (const { id, state = 'ready', profile } of models) {
    await putModel(db, {
      id,
      catalog: catalogModel(id, profile),
      origin: 'https://clinic.test',
      state,
      active: false,
      etags: {},
      addedAt: '',
    });
  }
  await activateModel(db, active);
  return db;
}

/**
 * A runtime double: wllama and web-llm need a browser, and are tested in Chromium
 * (tests/e2e/wllama-runtime.spec.ts, tests/e2e/webllm.spec.ts). This one records what the engine asks of it.
 */
function runtimeDouble(modelId: string, log: string[], failLoad?: OnDeviceError): OnDeviceRuntime {
  return {
    kind: 'gguf',
    modelId,
    async load(onProgress) {
      log.push(`load ${modelId}`);
      onProgress?.({ fraction: 0.5 });
      if (failLoad) throw failLoad;
    },
    async answer(_request, onText) {
      log.push(`answer ${modelId}`);
      onText('Give ORS ');
      onText('[1].');
      return { text: 'Give ORS [1].', model: modelId, finishReason: 'stop' };
    },
    promptTarget: () => ({ profile: 'chat', contextTokens: 1024 }),
    async unload() {
      log.push(`unload ${modelId}`);
    },
  };
}

const REQUEST = { messages: [{ role: 'user' as const, content: 'ORS dose?' }], maxTokens: 16 };

describe('on-device engine', () => {
  it('is available only with an active, fully downloaded model', async () => {
    expect(await createOnDeviceEngine({ db: await tablet([]) }).available()).toBe(false);
    expect(await createOnDeviceEngine({ db: await tablet([{ id: 'a' }]) }).available()).toBe(false);
    expect(await createOnDeviceEngine({ db: await tablet([{ id: 'a', state: 'partial' }], 'a') }).available()).toBe(false);
    expect(await createOnDeviceEngine({ db: await tablet([{ id: 'a' }], 'a') }).available()).toBe(true);
  });

  it('prompts as the active model needs: a base model by completion', async () => {
    const db = await tablet([{ id: 'base', profile: 'completion' }], 'base');
    expect(await createOnDeviceEngine({ db }).promptTarget?.()).toEqual({ profile: 'completion', contextTokens: 1024 });
  });

  it('loads the model once, with progress, streams answers, and unloads it when another becomes active', async () => {
    const db = await tablet([{ id: 'a' }, { id: 'b' }], 'a');
    const log: string[] = [];
    const engine = createOnDeviceEngine({ db, createRuntime: async (m) => runtimeDouble(m.id, log) });
    const progress: number[] = [];
    expect(engine.ready?.()).toBe(false);
    await engine.prepare?.((p) => progress.push(p.fraction));
    expect(engine.ready?.()).toBe(true);
    const pieces: string[] = [];
    expect(await engine.answer(REQUEST, (t) => pieces.push(t))).toMatchObject({ text: 'Give ORS [1].', model: 'a' });
    await engine.answer(REQUEST, () => {});
    expect(progress).toEqual([0.5]);
    expect(pieces).toEqual(['Give ORS ', '[1].']);

    await activateModel(db, 'b');
    await engine.answer(REQUEST, () => {});
    expect(log).toEqual(['load a', 'answer a', 'answer a', 'unload a', 'load b', 'answer b']);
  });

  it('gives up a model that fails to load for the session, as unavailable with the reason, so the router falls back', async () => {
    const db = await tablet([{ id: 'a' }], 'a');
    const log: string[] = [];
    const oom = new OnDeviceError('out-of-memory', 'Not enough memory.');
    const engine = createOnDeviceEngine({ db, createRuntime: async (m) => runtimeDouble(m.id, log, oom) });
    const failure = await engine.prepare?.().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EngineError);
    expect(failure).toMatchObject({ kind: 'unavailable', cause: oom });
    expect(engine.ready?.()).toBe(false);
    expect(await engine.available()).toBe(false);
    expect(engine.failure('a')).toBe(oom);
    await expect(engine.answer(REQUEST, () => {})).rejects.toMatchObject({ kind: 'unavailable' });
    expect(log).toEqual(['load a', 'unload a']);
    expect(await activeModel(db)).toMatchObject({ id: 'a' });
  });

  it('frees a deleted model, and tries a model downloaded again afresh', async () => {
    const db = await tablet([{ id: 'a' }], 'a');
    const log: string[] = [];
    let fail = true;
    const engine = createOnDeviceEngine({
      db,
      createRuntime: async (m) => runtimeDouble(m.id, log, fail ? new OnDeviceError('load-failed', 'Broken file.') : undefined),
    });
    await expect(engine.prepare?.()).rejects.toMatchObject({ kind: 'unavailable' });
    fail = false;
    await engine.forget('a');
    expect(await engine.available()).toBe(true);
    await engine.answer(REQUEST, () => {});
    await engine.forget('a');
    expect(engine.ready?.()).toBe(false);
    expect(log).toEqual(['load a', 'unload a', 'load a', 'answer a', 'unload a']);
  });

  it('makes one model active at a time', async () => {
    const db = await tablet([{ id: 'a' }, { id: 'b' }], 'a');
    await activateModel(db, 'b');
    expect((await db.models.toArray()).filter((m) => m.active).map((m) => m.id)).toEqual(['b']);
  });
});
