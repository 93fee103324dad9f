import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { type Config, ConfigError } from '../config';
import { limitConcurrency } from './concurrency';
import type { InferenceEngine } from './engine';
import { createUpstreamEngine } from './upstream-engine';

export interface CreateEngineOptions {
  /** PEM of a CA the upstream's certificate chains to, when it is not publicly trusted. */
  upstreamCa?: string;
  /** Where start-up warnings go (the app's logger does not exist yet). */
  warn?: (message: string) => void;
}

/** A clear message now beats a llama.cpp failure deep in the loader. */
function checkModelFile(path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new ConfigError(`Model file not found: ${path}. Give --model the path of a GGUF file.`);
  }
  const magic = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, magic, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 4 || magic.toString('latin1') !== 'GGUF') {
    throw new ConfigError(`Not a GGUF model file: ${path}. The server runs llama.cpp models in GGUF format.`);
  }
}

/**
 * The engine the server answers with: llama.cpp in-process for --model, another OpenAI-compatible server
 * for --upstream, none otherwise (the inference routes then answer 503). Either way behind one queue.
 */
export async function createEngine(config: Config, options: CreateEngineOptions = {}): Promise<InferenceEngine | null> {
  const warn = options.warn ?? ((message: string) => process.emitWarning(message));
  let engine: InferenceEngine;
  if (config.modelPath) {
    checkModelFile(config.modelPath);
    // Loaded only when needed: the native addon is large and an upstream server never needs it.
    const { createLlamaEngine } = await import('./llama-engine');
    engine = await createLlamaEngine({
      modelPath: config.modelPath,
      parallel: config.parallel,
      threads: config.threads,
      promptProfile: config.promptProfile,
    });
  } else if (config.upstreamUrl) {
    engine = createUpstreamEngine({
      baseUrl: config.upstreamUrl,
      apiKey: config.upstreamKey,
      timeoutMs: config.timeoutMs,
      ca: options.upstreamCa,
      promptProfile: config.promptProfile,
    });
    // The GPU box may boot after the laptop: warn, and let requests fail until it answers.
    await engine.models().catch((error: Error) => warn(`Upstream ${config.upstreamUrl} does not answer yet: ${error.message}`));
  } else {
    return null;
  }
  return limitConcurrency(engine, { parallel: config.parallel, queueLimit: config.queueLimit, timeoutMs: config.timeoutMs });
}
