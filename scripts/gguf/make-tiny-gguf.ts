/**
 * Writes a random-weight llama GGUF for tests and benchmarks (see tiny-llama.ts).
 * Usage: npx tsx scripts/gguf/make-tiny-gguf.ts OUT.gguf [--size tiny|bench] [--seed N]
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TINY_LLAMA_SIZES, type TinyLlamaSize, writeTinyLlama } from './tiny-llama';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { size: { type: 'string', default: 'tiny' }, seed: { type: 'string' } },
});
const [out] = positionals;
const size = values.size as TinyLlamaSize;
if (!out || positionals.length > 1 || !(size in TINY_LLAMA_SIZES)) {
  console.error('Usage: npx tsx scripts/gguf/make-tiny-gguf.ts OUT.gguf [--size tiny|bench] [--seed N]');
  process.exit(2);
}
const options = { ...TINY_LLAMA_SIZES[size], ...(values.seed === undefined ? {} : { seed: Number(values.seed) }) };
await writeTinyLlama(out, options);
console.log(`${out}: ${size}, ${((await stat(out)).size / 1e6).toFixed(2)} MB`);
