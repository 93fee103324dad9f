import type { AnswerEngine } from './engine';

/**
 * The slot for a model running on the tablet (web-llm or wllama, next). Until one is plugged in the
 * router has no on-device engine, and the "this device only" policy says so plainly.
 */
export type OnDeviceEngine = AnswerEngine & { readonly id: 'on-device' };
