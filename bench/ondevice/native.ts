import { getLlama, type Llama, LlamaCompletion, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import { CONTEXT_TOKENS, MAX_TOKENS, type Round, roundFigures } from './protocol';

/** node-llama-cpp in this process, on the CPU, as the clinic server runs it (server/src/inference/llama-engine.ts). */
export interface NativeSide {
  /** The prompt's length in the model's tokens (with its BOS). */
  promptTokens(prompt: string): number;
  generate(prompt: string): Promise<Round>;
  close(): Promise<void>;
}

export async function openNative(modelPath: string, threads: number): Promise<NativeSide> {
  const llama: Llama = await getLlama({ gpu: false, build: 'never' });
  const model: LlamaModel = await llama.loadModel({ modelPath });
  const context: LlamaContext = await model.createContext({ contextSize: CONTEXT_TOKENS, threads, sequences: 1 });
  const sequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  return {
    promptTokens: (prompt) => model.tokenize(prompt, true).length,
    async generate(prompt) {
      // Every prompt evaluated from an empty sequence, as wllama's is (see roundPrompt).
      await sequence.clearHistory();
      let firstMs = 0;
      let tokens = 0;
      const startMs = performance.now();
      const { response, metadata } = await completion.generateCompletionWithMeta(prompt, {
        maxTokens: MAX_TOKENS,
        temperature: 0,
        onToken: (generated) => {
          if (!firstMs) firstMs = performance.now();
          tokens += generated.length;
        },
      });
      const endMs = performance.now();
      if (metadata.stopReason !== 'maxTokens' || tokens !== MAX_TOKENS) {
        throw new Error(`native: stopped by ${metadata.stopReason} after ${tokens} tokens, expected ${MAX_TOKENS}`);
      }
      return roundFigures(startMs, firstMs, endMs, tokens, response);
    },
    async close() {
      completion.dispose();
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
