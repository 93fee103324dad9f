// What the Node side and the wllama harness page exchange through page.evaluate: plain JSON only.
import type { ModelRequirements } from '../../../src/core/models/catalog';
import type { PromptTarget } from '../../../src/core/prompt/prompt-target';
import type { AnswerRequest, AnswerResult } from '../../../src/engines/engine';
import type { LoadProgress, OnDeviceErrorKind } from '../../../src/models/on-device-runtime';

export interface LoadSpec {
  /** URLs of the GGUF file(s), fetched into Blobs on each load, as the app reads them from its store. */
  urls: string[];
  requirements: ModelRequirements;
  threads?: number;
  /** Replaces the fetched bytes before wllama sees them, to load a broken file. */
  corrupt?: 'truncate' | 'garbage';
}

export interface PageError {
  name: string;
  /** Set for an OnDeviceError. */
  kind?: OnDeviceErrorKind;
  message: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: PageError };

export interface LoadFigures {
  ms: number;
  progress: LoadProgress[];
}

export interface Chunk {
  text: string;
  /** performance.now() in the page when onText got it. */
  atMs: number;
}

export interface AnswerRun {
  result: AnswerResult;
  chunks: Chunk[];
  /** performance.now() just before answer() was called, and when it resolved. */
  startMs: number;
  endMs: number;
}

export interface AnswerSpec {
  request: AnswerRequest;
  /** Aborts the answer once this many pieces of text have arrived. */
  abortAfterChunks?: number;
  /** Aborts the answer this long after it was asked, text or not. */
  abortAfterMs?: number;
}

export interface PageInfo {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Threads the runtime would use with no `threads` option. */
  defaultThreads: number;
}

/** `window.harness`: runtimes are kept in the page by name, since page.evaluate passes only JSON. */
export interface WllamaHarness {
  info(): Promise<PageInfo>;
  /** Loads the runtime of that name, created by its first load with that spec (later specs are ignored). */
  load(name: string, spec: LoadSpec): Promise<Outcome<LoadFigures>>;
  answer(name: string, spec: AnswerSpec): Promise<Outcome<AnswerRun>>;
  promptTarget(name: string): PromptTarget | undefined;
  unload(name: string): Promise<void>;
}

declare global {
  interface Window {
    harness: WllamaHarness;
  }
}
