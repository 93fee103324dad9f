import { deleteModelWasmInCache, hasModelInCache } from '@mlc-ai/web-llm';
import type { CatalogModel } from '../../core/models/catalog';
import { webllmAppConfig, webllmModelUrls } from './app-config';

/**
 * The Cache Storage caches web-llm 0.2.86 keeps a model in (its default "cache" backend, which our
 * AppConfig keeps): mlc-chat-config.json; the model library; tokenizer, tensor-cache.json and shards.
 */
const CONFIG_CACHE = 'webllm/config';
export const WASM_CACHE = 'webllm/wasm';
const MODEL_CACHE = 'webllm/model';

/** `<model url>/resolve/main/`, as web-llm's cleanModelUrl makes it: the key prefix of its files. */
function filesUrl(model: CatalogModel, origin: string): string {
  const url = webllmModelUrls(model, origin).model;
  return new URL(`${url.endsWith('/') ? url : `${url}/`}resolve/main/`).href;
}

async function cached(cacheName: string, url: string): Promise<Response | undefined> {
  return (await caches.open(cacheName)).match(url);
}

/** The tokenizer file web-llm loads for this config (asyncLoadTokenizer: tokenizer.json first). */
function tokenizerFile(config: { tokenizer_files?: string[] }): string | undefined {
  return ['tokenizer.json', 'tokenizer.model'].find((f) => config.tokenizer_files?.includes(f));
}

/**
 * Whether web-llm can load the model with no network: its weights (web-llm's hasModelInCache, which
 * only looks at tensor-cache.json and the shards), and also its config, tokenizer and model library.
 */
export async function isWebllmModelCached(model: CatalogModel, origin: string): Promise<boolean> {
  if (!(await hasModelInCache(model.id, webllmAppConfig([model], origin)))) return false;
  const base = filesUrl(model, origin);
  const config = await cached(CONFIG_CACHE, new URL('mlc-chat-config.json', base).href);
  if (!config) return false;
  const tokenizer = tokenizerFile(await config.json());
  if (!tokenizer || !(await cached(MODEL_CACHE, new URL(tokenizer, base).href))) return false;
  return (await cached(WASM_CACHE, webllmModelUrls(model, origin).modelLib)) !== undefined;
}

/**
 * Forgets a model library web-llm cached: it caches the .wasm before compiling it, so a broken one
 * would be used again at every load, even after the clinic server's file is fixed.
 */
export async function forgetModelLibrary(model: CatalogModel, origin: string): Promise<void> {
  await deleteModelWasmInCache(model.id, webllmAppConfig([model], origin));
}

/**
 * Deletes every file of the model web-llm cached. Not web-llm's deleteModelAllInfoInCache: it reads
 * tensor-cache.json to find the shards — from the network when it is not cached, so it fails offline
 * after a partial download — and leaves tensor-cache.json itself behind. Every key under the model's
 * URL, and its model library, goes instead.
 */
export async function deleteWebllmModel(model: CatalogModel, origin: string): Promise<void> {
  const base = filesUrl(model, origin);
  for (const name of [CONFIG_CACHE, MODEL_CACHE]) {
    const cache = await caches.open(name);
    const keys = await cache.keys();
    await Promise.all(keys.filter((request) => request.url.startsWith(base)).map((request) => cache.delete(request)));
  }
  await forgetModelLibrary(model, origin);
}
