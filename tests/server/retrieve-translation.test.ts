import 'fake-indexeddb/auto';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import type { InferenceEngine } from '../../server/src/inference/engine';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import { saveClinicConnection } from '../../src/db/clinic-connection';
import { library } from '../../src/db/library';
import { installPack } from '../../src/db/pack-install';
import { createClinicEngine } from '../../src/engines/clinic-engine';
import { retrieveExcerpts } from '../../src/features/ask/retrieve';
import { makeExcerpt, makePackParts } from '../fixtures/pack';
import { tinyModelPath } from '../fixtures/tiny-model';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

// A question not asked in English, with the clinic server's model at hand: the model's translation is
// searched too and fused with the lexicon's results. The model is the generated tiny one (its English is
// gibberish), so this checks the path — a real request, a fused list that keeps the lexicon's finds — not
// the quality of a translation.

let llama: InferenceEngine;
let server: TestServer;

beforeAll(async () => {
  llama = await createLlamaEngine({ modelPath: await tinyModelPath(), parallel: 1 });
  server = await startTestServer({ engine: limitConcurrency(llama, { parallel: 1, queueLimit: 8, timeoutMs: 60_000 }) });
});

afterAll(async () => {
  await server?.close();
  await llama?.close();
});

describe('retrieval with a model at hand', () => {
  it("searches the model's English too, and keeps what the lexicon found", async () => {
    const { db } = library();
    await installPack(
      db,
      makePackParts({
        id: 'fever',
        excerpts: [makeExcerpt(1, { text: 'Malaria causes fever, chills and headache; test before treating.' }), makeExcerpt(2)],
      }),
    );
    const token = await enrollDevice(server, 'tablet');
    const connection = { origin: server.url, deviceId: 'tablet', deviceName: 'tablet', token, enrolledAt: '' };
    await saveClinicConnection(db, connection);
    const requests: string[] = [];
    const model = createClinicEngine({
      connection: async () => connection,
      online: () => true,
      fetch: (url, init) => {
        requests.push(url);
        return undiciFetch(url, { ...init, dispatcher: server.dispatcher }) as never;
      },
    });

    const withModel = await retrieveExcerpts('Quels sont les symptômes du paludisme ?', { language: 'fr', limit: 5, model });
    expect(requests.some((u) => u.endsWith('/v1/chat/completions'))).toBe(true);
    expect(withModel.translation?.length).toBeGreaterThan(0);
    expect(withModel.excerpts[0]?.id).toBe('doc1.overview.0');

    const english = await retrieveExcerpts('What are the symptoms of malaria?', { language: 'en', limit: 5, model });
    expect(english.translation).toBeUndefined();
    expect(requests.filter((u) => u.endsWith('/v1/chat/completions'))).toHaveLength(1);
  });
});
