import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATIC_CATALOG, writeStaticModels } from '../../scripts/static-models';
import { ModelCatalog } from '../../server/src/models/catalog';
import { tinyModelPath } from '../fixtures/tiny-model';

const WEBLLM = 'Tiny-q4f32_1-MLC';
const silent = { warn: () => undefined } as unknown as FastifyBaseLogger;

let models: string;
let out: string;

beforeAll(async () => {
  models = mkdtempSync(join(tmpdir(), 'static-models-in-'));
  out = mkdtempSync(join(tmpdir(), 'static-models-out-'));
  copyFileSync(await tinyModelPath(), join(models, 'tiny chat.gguf'));
  mkdirSync(join(models, WEBLLM, 'resolve/main'), { recursive: true });
  const config = {
    quantization: 'q4f32_1',
    context_window_size: 1024,
    model_config: { num_hidden_layers: 2, hidden_size: 64, num_attention_heads: 4 },
  };
  writeFileSync(join(models, WEBLLM, 'resolve/main/mlc-chat-config.json'), JSON.stringify(config));
  writeFileSync(join(models, WEBLLM, 'resolve/main/params_shard_0.bin'), Buffer.alloc(2048, 1));
  writeFileSync(join(models, WEBLLM, 'Tiny-webgpu.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  // Neither served by the clinic server nor copied.
  writeFileSync(join(models, 'notes.md'), 'not a model');
});
afterAll(() => {
  rmSync(models, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('npm run static:models', () => {
  it("writes the clinic server's catalog for the same directory, with URLs relative to the app", async () => {
    await writeStaticModels(models, out);
    const written = JSON.parse(readFileSync(join(out, 'models', STATIC_CATALOG), 'utf8'));
    const server = await new ModelCatalog(models, silent).models();
    expect(server.map((m) => m.id)).toEqual([WEBLLM, 'tiny chat']);
    expect(written).toEqual({ models: server.map((m) => ({ ...m, url: m.url.slice(1) })) });
    expect(written.models.map((m: { url: string }) => m.url)).toEqual([`models/${WEBLLM}/`, 'models/tiny%20chat.gguf']);
  });

  it('copies every file the catalog lists where its URL points, and nothing else', async () => {
    const [webllm, gguf] = await writeStaticModels(models, out);
    for (const model of [webllm!, gguf!]) {
      for (const file of model.files) expect(statSync(join(out, 'models', file.path)).size).toBe(file.size);
    }
    expect(readFileSync(join(out, 'models', 'tiny chat.gguf')).equals(readFileSync(join(models, 'tiny chat.gguf')))).toBe(true);
    expect(() => statSync(join(out, 'models', 'notes.md'))).toThrow();
  });
});
