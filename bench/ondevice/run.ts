// npm run bench:ondevice [-- --threads N] [--rounds N]
// The app's wllama runtime (llama.cpp in WebAssembly, headless Chromium, cross-origin isolated) against
// node-llama-cpp natively in this process, on the same generated GGUF, the same prompt, greedy, with the
// same thread count, in alternating rounds. Progress on stderr; the last stdout line is the JSON result.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { tinyModelPath } from '../../tests/fixtures/tiny-model';
import { median } from '../server/stats';
import { openNative } from './native';
import { MAX_TOKENS, type Round, roundPrompt } from './protocol';
import { openWllama } from './wllama';

const USAGE = 'usage: npm run bench:ondevice [-- --threads N] [--rounds N]';
const log = (line: string) => process.stderr.write(`[bench:ondevice] ${line}\n`);

function positiveInteger(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer\n${USAGE}`);
  return n;
}

const { values } = parseArgs({ options: { threads: { type: 'string' }, rounds: { type: 'string' } }, strict: true });
// The default of both the app (src/models/wllama/wllama-runtime.ts) and the clinic server: the cores less one.
const threads = positiveInteger(values.threads, Math.max(1, availableParallelism() - 1), 'threads');
const rounds = positiveInteger(values.rounds, 5, 'rounds');

const modelPath = await tinyModelPath('bench');
log(`model ${modelPath}; ${threads} thread(s) on both sides; ${rounds} rounds of ${MAX_TOKENS} tokens, greedy`);

const native = await openNative(modelPath, threads);
const wllama = await openWllama(modelPath, threads, log).catch(async (error: unknown) => {
  await native.close();
  throw error;
});

log(`prompt: ${native.promptTokens(roundPrompt(1))} tokens`);

const results: Record<'wllama' | 'native', Round[]> = { wllama: [], native: [] };
try {
  // One warm-up each (first allocations, page caches), not counted.
  await native.generate(roundPrompt(0));
  await wllama.generate(roundPrompt(0));
  for (let i = 1; i <= rounds; i++) {
    const prompt = roundPrompt(i);
    // Alternate which goes first, so drifting load on this shared machine falls on both alike.
    const order = i % 2 === 1 ? (['wllama', 'native'] as const) : (['native', 'wllama'] as const);
    for (const side of order) results[side].push(await (side === 'wllama' ? wllama : native).generate(prompt));
    const [w, n] = [results.wllama.at(-1)!, results.native.at(-1)!];
    log(
      `round ${i}: wllama ${w.tokensPerS.toFixed(1)} tok/s, TTFT ${w.ttftMs.toFixed(0)} ms | ` +
        `native ${n.tokensPerS.toFixed(1)} tok/s, TTFT ${n.ttftMs.toFixed(0)} ms | same text: ${w.text === n.text}`,
    );
  }
} finally {
  await wllama.close();
  await native.close();
}

const summary = (runs: Round[]) => ({
  tokensPerS: Math.round(median(runs.map((r) => r.tokensPerS)) * 10) / 10,
  ttftMs: Math.round(median(runs.map((r) => r.ttftMs)) * 10) / 10,
});
console.log(JSON.stringify({ wllama: summary(results.wllama), native: summary(results.native) }));
