/// <reference lib="webworker" />
// A real Web Worker running web-llm's own WebWorkerMLCEngineHandler around the ENGINE DOUBLE
// (engine-double.ts) instead of MLCEngine: the messages, streams and interrupts are web-llm's.
import { type MLCEngine, WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';
import { EngineDouble } from './engine-double';

const handler = new WebWorkerMLCEngineHandler();
const double = new EngineDouble();
// What the handler's constructor does for its own engine: progress goes to the page.
double.setInitProgressCallback((report) => handler.postMessage({ kind: 'initProgressCallback', uuid: '', content: report }));
// The handler types its engine as the class; the double implements the interface the handler uses.
handler.engine = double as unknown as MLCEngine;
self.onmessage = (event: MessageEvent) => handler.onmessage(event);
