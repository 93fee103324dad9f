// What the Node side and the web-llm harness page exchange through page.evaluate: plain JSON only.
import type { AppConfig, ChatCompletionRequest, CompletionCreateParams } from '@mlc-ai/web-llm';
import type { CatalogModel } from '../../../src/core/models/catalog';
import type { AnswerRequest, AnswerResult } from '../../../src/engines/engine';
import type { LoadProgress, OnDeviceErrorKind } from '../../../src/models/on-device-runtime';
import type { WebGpuReport } from '../../../src/models/webgpu-adapter';

/** What the engine double did, as it reports it from its worker. */
export type DoubleEvent =
  | { event: 'setAppConfig'; appConfig: AppConfig }
  | { event: 'reload'; modelId: string[] }
  | { event: 'chatCompletion'; request: ChatCompletionRequest }
  | { event: 'completion'; request: CompletionCreateParams }
  | { event: 'streamEnd'; yielded: number; finish: 'stop' | 'length' | 'abort' }
  | { event: 'interrupt' }
  | { event: 'unload' };

export interface PageError {
  name: string;
  /** Set for an OnDeviceError. */
  kind?: OnDeviceErrorKind;
  message: string;
  /** The error web-llm gave (a string from its worker), for an OnDeviceError. */
  cause?: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: PageError };

export interface AnswerSpec {
  request: AnswerRequest;
  /** Aborts the answer once this many pieces of text have arrived. */
  abortAfterPieces?: number;
}

export interface AnswerRun {
  result: AnswerResult;
  pieces: string[];
}

/** The adapter as the page's own navigator.gpu gives it, to compare detectWebGpu() with. */
export interface RawAdapter {
  features: string[];
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export interface WebllmHarness {
  detect(): Promise<WebGpuReport>;
  rawAdapter(): Promise<RawAdapter | null>;
  appConfig(models: CatalogModel[]): AppConfig;
  /** chooseWebllmModel with this page's adapter: the id of the model chosen. */
  choose(models: CatalogModel[]): Promise<string | undefined>;
  /** Every key of web-llm's Cache Storage caches, by cache name. */
  cacheKeys(): Promise<Record<string, string[]>>;
  /** Puts mirror files in Cache Storage the way web-llm's ArtifactCache does: cache.add(url). */
  cacheLikeWebllm(entries: { cache: string; url: string }[]): Promise<void>;
  /** web-llm's own hasModelInCache with our AppConfig. */
  hasModelInCache(model: CatalogModel): Promise<boolean>;
  isWebllmModelCached(model: CatalogModel): Promise<boolean>;
  deleteWebllmModel(model: CatalogModel): Promise<void>;
  /** createWebllmRuntime with web-llm's real worker engine: load, then unload. */
  loadWithRuntime(model: CatalogModel): Promise<Outcome<LoadProgress[]>>;
  /** web-llm's CreateWebWorkerMLCEngine on our worker, without the runtime: web-llm's own error. */
  loadWithWebllm(model: CatalogModel): Promise<Outcome<null>>;
  /** createWebllmRuntime around a real worker running web-llm's handler with the ENGINE DOUBLE. */
  double: {
    load(model: CatalogModel): Promise<Outcome<LoadProgress[]>>;
    answer(spec: AnswerSpec): Promise<Outcome<AnswerRun>>;
    unload(): Promise<{ workersTerminated: number }>;
    events(): DoubleEvent[];
  };
}

declare global {
  interface Window {
    webllmHarness: WebllmHarness;
  }
}
