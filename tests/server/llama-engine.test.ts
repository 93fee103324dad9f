/**
 * The llama.cpp engine on a real model run by real llama.cpp, not a fake: the model is a tiny llama with
 * random weights that the test generates itself (tests/fixtures/tiny-model.ts), so its text is gibberish,
 * but tokenizer, chat template, sampling, streaming and parallel sequences are all the production code paths.
 * The model never samples its end-of-turn token, so a generation runs to maxTokens unless stopped or aborted.
 */
import { basename } from 'node:path';
import { getLlama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, GenerationResult, InferenceEngine } from '../../server/src/inference/engine';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import { tinyModelPath } from '../fixtures/tiny-model';

const QUESTION: ChatMessage[] = [
  { role: 'system', content: 'You answer health workers with guideline excerpts.' },
  // Accents and Arabic are in the vocabulary; the emoji and Chinese are not and must not break tokenization.
  { role: 'user', content: 'A child of 2 years has fever. Fièvre? حمى 😀 中文' },
];

function collector() {
  const chunks: string[] = [];
  return { chunks, onText: (text: string) => void chunks.push(text) };
}

/** Well-formed UTF-16 that survives a strict UTF-8 round trip, with no replacement characters from bad bytes. */
function expectValidUtf8(text: string): void {
  const bytes = new TextEncoder().encode(text);
  expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toBe(text);
  expect(text).not.toContain('\uFFFD');
}

describe('llama.cpp engine', { timeout: 60_000 }, () => {
  let modelPath: string;
  let engine: InferenceEngine;

  beforeAll(async () => {
    modelPath = await tinyModelPath();
    // One thread: the model is tiny, and extra threads only spin against each other on a busy CI machine.
    engine = await createLlamaEngine({ modelPath, contextSize: 512, threads: 1, parallel: 2 });
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
  });

  it('lists the model file as its one model, prompted through its chat template', async () => {
    expect(await engine.models()).toEqual([
      { id: basename(modelPath, '.gguf'), ownedBy: 'local', contextLength: 512, promptProfile: 'chat' },
    ]);
  });

  it('takes a GGUF without a chat template for a base model, to be prompted by completion', async () => {
    const base = await createLlamaEngine({ modelPath: await tinyModelPath('base'), contextSize: 512, threads: 1 });
    try {
      expect((await base.models())[0]!.promptProfile).toBe('completion');
    } finally {
      await base.close();
    }
    const forced = await createLlamaEngine({ modelPath, contextSize: 512, threads: 1, promptProfile: 'completion' });
    try {
      expect((await forced.models())[0]!.promptProfile).toBe('completion');
    } finally {
      await forced.close();
    }
  });

  it('streams a chat reply in chunks that add up to the final text, up to maxTokens', async () => {
    const { chunks, onText } = collector();
    const result = await engine.chat(QUESTION, { maxTokens: 24 }, onText);

    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(result.text);
    for (const chunk of chunks) expectValidUtf8(chunk);
    expect(result.finishReason).toBe('length');
    expect(result.completionTokens).toBeGreaterThan(0);
    expect(result.completionTokens).toBeLessThanOrEqual(24);
    expect(result.promptTokens).toBeGreaterThan(0);
  });

  it('keeps the text valid UTF-8 over a long sampled reply with multi-byte characters', async () => {
    const { chunks, onText } = collector();
    const result = await engine.chat(QUESTION, { maxTokens: 200, temperature: 1, seed: 3 }, onText);

    expect(chunks.join('')).toBe(result.text);
    expectValidUtf8(result.text);
    // More UTF-8 bytes than UTF-16 units: the check above did see multi-byte characters.
    expect(new TextEncoder().encode(result.text).length).toBeGreaterThan(result.text.length);
  });

  it('completes a raw prompt', async () => {
    const { chunks, onText } = collector();
    const result = await engine.complete('The child has a fever and', { maxTokens: 16 }, onText);

    expect(result.text.length).toBeGreaterThan(0);
    expect(chunks.join('')).toBe(result.text);
    expect(result.finishReason).toBe('length');
    expect(result.completionTokens).toBeLessThanOrEqual(16);
    const longer = await engine.complete(
      'The child has a fever and a cough, and has not been able to drink since',
      { maxTokens: 1 },
      () => {},
    );
    expect(longer.promptTokens).toBeGreaterThan(result.promptTokens);
  });

  it('counts the prompt as the model evaluated it: BOS, chat markup and text', async () => {
    const llama = await getLlama({ gpu: false, build: 'never' });
    const model = await llama.loadModel({ modelPath });
    try {
      const prompt = 'The child has a fever and';
      const completion = await engine.complete(prompt, { maxTokens: 4 }, () => {});
      expect(completion.promptTokens).toBe(1 + model.tokenize(prompt).length);
      expect(completion.completionTokens).toBe(4);

      // The GGUF's ChatML template, as the model sees it.
      const rendered = `<s>${QUESTION.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join('')}<|im_start|>assistant\n`;
      const chat = await engine.chat(QUESTION, { maxTokens: 4 }, () => {});
      expect(chat.promptTokens).toBe(model.tokenize(rendered, true).length);
    } finally {
      await model.dispose();
      await llama.dispose();
    }
  });

  it('stops at a stop string, leaving it out of the text', async () => {
    const free = collector();
    const unstopped = await engine.chat(QUESTION, { maxTokens: 24 }, free.onText);
    const stop = free.chunks
      .slice(3)
      .find((chunk) => chunk.trim() !== '')!
      .trim();
    const expected = unstopped.text.slice(0, unstopped.text.indexOf(stop));

    const { chunks, onText } = collector();
    const stopped = await engine.chat(QUESTION, { maxTokens: 24, stop: [stop] }, onText);

    expect(stopped.text).toBe(expected);
    expect(chunks.join('')).toBe(stopped.text);
    expect(stopped.finishReason).toBe('stop');
  });

  it('ends with finishReason abort and keeps the partial text when the signal aborts mid-stream', async () => {
    const controller = new AbortController();
    const chunks: string[] = [];
    const result = await engine.chat(QUESTION, { maxTokens: 400, signal: controller.signal }, (text) => {
      chunks.push(text);
      if (chunks.length === 3) controller.abort();
    });

    expect(result.finishReason).toBe('abort');
    expect(result.text).toBe(chunks.join(''));
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(result.completionTokens).toBeLessThan(400);
  });

  it('runs two requests at once on separate sequences and queues a third', async () => {
    const order: string[] = [];
    const request = (name: string, messages: ChatMessage[]) => engine.chat(messages, { maxTokens: 20 }, () => void order.push(name));
    const results = await Promise.all([
      request('a', QUESTION),
      request('b', [{ role: 'user', content: 'Dose of amoxicillin for a child of 12 kg?' }]),
      request('c', [{ role: 'user', content: 'Signs of severe dehydration?' }]),
    ]);

    for (const result of results) expect(result.finishReason).toBe('length');
    // Batched together, a and b stream interleaved; c only starts once one of them has released its sequence.
    expect(order.indexOf('b')).toBeLessThan(order.lastIndexOf('a'));
    expect(order.indexOf('c')).toBeGreaterThan(Math.min(order.lastIndexOf('a'), order.lastIndexOf('b')));
  });

  it('returns abort without running when the signal aborts while waiting for a sequence', async () => {
    const controller = new AbortController();
    const busy = [engine.chat(QUESTION, { maxTokens: 40 }, () => {}), engine.chat(QUESTION, { maxTokens: 40 }, () => {})];
    const waiting = engine.chat(QUESTION, { maxTokens: 40, signal: controller.signal }, () => {});
    controller.abort();

    expect(await waiting).toEqual<GenerationResult>({ text: '', finishReason: 'abort', promptTokens: 0, completionTokens: 0 });
    await Promise.all(busy);
  });

  it('reproduces sampled text for the same seed, and varies it with another', async () => {
    const sample = (seed: number) => engine.chat(QUESTION, { maxTokens: 24, temperature: 1, topP: 0.95, seed }, () => {});
    const first = await sample(42);
    const again = await sample(42);
    const other = await sample(43);

    expect(again.text).toBe(first.text);
    expect(other.text).not.toBe(first.text);
  });

  it('starts every request from a fresh history', async () => {
    const before = await engine.chat(QUESTION, { maxTokens: 16 }, () => {});
    await engine.chat([{ role: 'user', content: 'Something else entirely, to leave other tokens behind.' }], { maxTokens: 16 }, () => {});
    const after = await engine.chat(QUESTION, { maxTokens: 16 }, () => {});

    expect(after).toEqual(before);
  });
});
