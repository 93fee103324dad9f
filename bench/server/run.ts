// npm run bench:server — what the clinic server costs on top of llama.cpp, and whether it holds 200
// streaming clients. The same generated GGUF (tens of MB, random weights) is run by node-llama-cpp
// directly and through the server's SSE in the same process, alternately, so load on this shared
// machine hits both alike. Prints progress to stderr and, as its last line, one JSON object.
import { availableParallelism } from 'node:os';
import { getLlama, LlamaCompletion, type LlamaContextSequence } from 'node-llama-cpp';
import { Agent, fetch } from 'undici';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import { tinyModelPath } from '../../tests/fixtures/tiny-model';
import { enrollDevice, startTestServer } from '../../tests/server/support/test-server';
import { median, percentile } from './stats';

const PROMPT = 'A child of three years has had fever for two days and is breathing fast. What should the health worker do?';
const MAX_TOKENS = 128;
const ROUNDS = 6;
const CLIENTS = 200;
// The server's default: a core left for Node's event loop (see llama-engine.ts).
const THREADS = Math.max(1, availableParallelism() - 1);
// Both sides get the same context: size, threads, and parallel sequences (the server's slots).
const CONTEXT = { contextSize: 1024, threads: THREADS };
const PARALLEL = 4;

interface Run {
  ttftMs: number;
  tokensPerS: number;
  tokens: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function directRun(completion: LlamaCompletion, sequence: LlamaContextSequence): Promise<Run> {
  // The server starts every request from an empty sequence; so must the baseline (no cached prefix).
  await sequence.clearHistory();
  const start = performance.now();
  let first = 0;
  let tokens = 0;
  await completion.generateCompletion(PROMPT, {
    maxTokens: MAX_TOKENS,
    temperature: 0,
    onToken: (t) => {
      if (!first) first = performance.now();
      tokens += t.length;
    },
  });
  const seconds = (performance.now() - start) / 1000;
  return { ttftMs: first - start, tokensPerS: tokens / seconds, tokens };
}

async function serverRun(url: string, token: string, dispatcher: Agent): Promise<Run> {
  const start = performance.now();
  const response = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    dispatcher,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: PROMPT, max_tokens: MAX_TOKENS, temperature: 0, stream: true, stream_options: { include_usage: true } }),
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  let first = 0;
  let tokens = 0;
  let buffered = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffered += decoder.decode(chunk, { stream: true });
    let end = buffered.indexOf('\n\n');
    while (end >= 0) {
      const data = buffered.slice(0, end).replace(/^data: /, '');
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf('\n\n');
      if (data === '[DONE]') continue;
      const event = JSON.parse(data) as { choices: { text?: string }[]; usage?: { completion_tokens: number } };
      if (!first && event.choices[0]?.text) first = performance.now();
      if (event.usage) tokens = event.usage.completion_tokens;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return { ttftMs: first - start, tokensPerS: tokens / seconds, tokens };
}

/** Many tablets asking at once: every stream must complete, none refused. */
async function concurrent(url: string, token: string, ca: string): Promise<{ clients: number; errors: number; p95Ms: number }> {
  const dispatcher = new Agent({ connect: { ca }, connections: CLIENTS });
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const start = performance.now();
      try {
        const response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          dispatcher,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [{ role: 'user', content: `Question ${i}: ${PROMPT}` }], max_tokens: 8, stream: true }),
        });
        const text = await response.text();
        if (!response.ok || !text.trimEnd().endsWith('data: [DONE]')) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - start);
    }),
  );
  await dispatcher.close();
  return { clients: CLIENTS, errors, p95Ms: Math.round(percentile(latencies, 0.95)) };
}

const modelPath = await tinyModelPath('bench');
log(`model: ${modelPath}`);

const llama = await getLlama({ gpu: false, build: 'never' });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ ...CONTEXT, sequences: PARALLEL });
const sequence = context.getSequence();
const completion = new LlamaCompletion({ contextSequence: sequence });

const engine = limitConcurrency(await createLlamaEngine({ modelPath, ...CONTEXT, parallel: PARALLEL }), {
  parallel: PARALLEL,
  queueLimit: 512,
  timeoutMs: 600_000,
});
const server = await startTestServer({ engine });
const deviceToken = await enrollDevice(server);
const dispatcher = new Agent({ connect: { ca: server.caCert } });

const direct: Run[] = [];
const viaServer: Run[] = [];
// Warm both paths once, then alternate so drifting machine load affects both alike.
await directRun(completion, sequence);
await serverRun(server.url, deviceToken, dispatcher);
for (let i = 0; i < ROUNDS; i++) {
  // Swap which goes first each round, so neither always follows the other's warm-up.
  if (i % 2 === 0) {
    direct.push(await directRun(completion, sequence));
    viaServer.push(await serverRun(server.url, deviceToken, dispatcher));
  } else {
    viaServer.push(await serverRun(server.url, deviceToken, dispatcher));
    direct.push(await directRun(completion, sequence));
  }
  const [d, v] = [direct.at(-1)!, viaServer.at(-1)!];
  log(`round ${i + 1}: direct ${d.tokensPerS.toFixed(1)} tok/s (${d.tokens}), server ${v.tokensPerS.toFixed(1)} tok/s (${v.tokens})`);
}
await context.dispose();
await model.dispose();

log(`${CLIENTS} concurrent streaming clients…`);
const load = await concurrent(server.url, deviceToken, server.caCert);

await dispatcher.close();
await server.close();
await engine.close();

const summary = (runs: Run[]) => ({
  tokensPerS: Math.round(median(runs.map((r) => r.tokensPerS)) * 10) / 10,
  ttftMs: Math.round(median(runs.map((r) => r.ttftMs)) * 10) / 10,
});
console.log(JSON.stringify({ server: summary(viaServer), direct: summary(direct), concurrent: load }));
