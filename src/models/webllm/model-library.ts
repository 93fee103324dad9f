import type { CatalogModel } from '../../core/models/catalog';
import { webllmModelUrls } from './app-config';
import { WASM_CACHE } from './webllm-cache';

/** What the model library (.wasm) of a model turns out to be, once a load has failed. */
export type ModelLibraryState = 'valid' | 'invalid' | 'missing' | 'unreachable';

/**
 * What TVM's runtime in web-llm checks a library for (FFILibrary.validateInstance and detectWasmMemory
 * in lib/index.js): the functions its calls go through, and a memory, exported or imported.
 */
const REQUIRED_FUNCTIONS = ['TVMWasmAllocSpace', 'TVMWasmFreeSpace'];

function looksLikeTvmLibrary(module: WebAssembly.Module): boolean {
  const exports = WebAssembly.Module.exports(module);
  const hasFunction = (name: string) => exports.some((e) => e.name === name && e.kind === 'function');
  const hasMemory =
    exports.some((e) => e.kind === 'memory') || WebAssembly.Module.imports(module).some((i) => i.module === 'env' && i.kind === 'memory');
  return hasMemory && REQUIRED_FUNCTIONS.every(hasFunction);
}

/**
 * Tells, after a load failed with an unclear message, whether the model library is the cause: web-llm
 * says neither which file a failed download was nor that a library is not one of its own. Reads the
 * copy web-llm cached, or the clinic server's (a 404 is `missing`, no answer `unreachable`).
 */
export async function inspectModelLibrary(model: CatalogModel, origin: string): Promise<ModelLibraryState> {
  const url = webllmModelUrls(model, origin).modelLib;
  let response = await (await caches.open(WASM_CACHE)).match(url);
  if (!response) {
    try {
      response = await fetch(url, { cache: 'no-store' });
    } catch {
      return 'unreachable';
    }
    if (response.status === 404) return 'missing';
    if (!response.ok) return 'unreachable';
  }
  try {
    return looksLikeTvmLibrary(await WebAssembly.compile(await response.arrayBuffer())) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}
