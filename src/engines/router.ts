import { ENGINE_POLICIES, type EnginePolicy } from '../core/sync/sync-constants';
import type { AnswerEngine, EngineId } from './engine';

// The policies are part of the clinic's settings (a clinic sets its tablets' default), hence in the protocol.
export { ENGINE_POLICIES, type EnginePolicy };

/** The engines each policy tries, in order. None available under `clinic` means: queue the question. */
export const POLICY_ORDER: Readonly<Record<EnginePolicy, readonly EngineId[]>> = {
  auto: ['on-device', 'clinic', 'excerpts-only'],
  device: ['on-device', 'excerpts-only'],
  clinic: ['clinic'],
};

/**
 * The engines of the policy's order that are present and available, in that order: the first answers,
 * and the next ones are the fallbacks when it cannot run after all (a model that fails to load). None:
 * the question waits in the outbox for the clinic server.
 */
export async function availableEngines(policy: EnginePolicy, engines: readonly AnswerEngine[]): Promise<AnswerEngine[]> {
  const available: AnswerEngine[] = [];
  for (const id of POLICY_ORDER[policy]) {
    const engine = engines.find((e) => e.id === id);
    if (engine && (await engine.available().catch(() => false))) available.push(engine);
  }
  return available;
}

const POLICY_KEY = 'answerPolicy';

/** The policy the user chose on this tablet; undefined when they never did (the clinic's default then applies). */
export function loadPolicy(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): EnginePolicy | undefined {
  const value = storage?.getItem(POLICY_KEY);
  return ENGINE_POLICIES.find((p) => p === value);
}

export function savePolicy(policy: EnginePolicy, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(POLICY_KEY, policy);
  } catch {
    // Private mode or a full disk: the choice lasts for this session only.
  }
}
