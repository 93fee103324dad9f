import { PROMPT_PROFILES, type PromptProfile } from '../core/prompt/prompt-target';
import type { ClinicConnection, ClinicModel } from '../db/library-db';
import { type ClinicRequestOptions, request } from './clinic-request';

interface ModelList {
  data?: { id?: unknown; max_model_len?: unknown; prompt_profile?: unknown }[];
}

/**
 * The model the clinic server answers with, and how to prompt it (`GET /v1/models`); undefined when the
 * server cannot be asked now or runs no model. A server that does not say its profile is taken as chat.
 */
export async function fetchClinicModel(connection: ClinicConnection, options: ClinicRequestOptions): Promise<ClinicModel | undefined> {
  const response = await request(connection, '/v1/models', options, { method: 'GET' });
  if ('reason' in response || response.status !== 200) return undefined;
  const first = (response.json as ModelList).data?.[0];
  if (typeof first?.id !== 'string') return undefined;
  const profile: PromptProfile = PROMPT_PROFILES.find((p) => p === first.prompt_profile) ?? 'chat';
  const context = first.max_model_len;
  return { id: first.id, profile, ...(typeof context === 'number' && context > 0 ? { contextTokens: Math.floor(context) } : {}) };
}
