// The protocol's constants, apart from its schemas: the app's first screen needs these, not zod.

/** Sent by the app with every sync request; a server that needs a newer app answers 426. */
export const SYNC_PROTOCOL_HEADER = 'x-meditron-sync';
export const SYNC_PROTOCOL_VERSION = 1;
/** A push carries at most this many items; the server also limits its size in bytes (413). */
export const PUSH_MAX_ITEMS = 500;
export const PULL_MAX_LIMIT = 500;

/**
 * Which engines answer, in what order (src/engines/router.ts): `auto` the model on the tablet, then the
 * clinic's, then excerpts alone; `device` never leave the tablet; `clinic` the clinic's model, else wait.
 */
export const ENGINE_POLICIES = ['auto', 'device', 'clinic'] as const;
export type EnginePolicy = (typeof ENGINE_POLICIES)[number];
