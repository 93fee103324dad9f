import type { AppErrorData } from '../core/errors/app-error';
import type { DeltaStats } from '../core/pack/pack-delta';
import type { PackManifest } from '../core/pack/pack-schema';
import type { PackSignature, TrustedKey } from '../core/pack/pack-signature';
import type { InstallOutcome } from '../db/pack-install';

/** A pack's signature and the publisher keys it must be signed with: checked after reading, before installing. */
export interface PackTrust {
  signature: PackSignature | null;
  keys: TrustedKey[];
}

/**
 * A pack file (from the clinic server: with the trust it must meet), a delta from the installed
 * version of a pack to the next (checked like the full pack), or a Meditron `guidelines` corpus
 * chunked into a pack.
 */
export type ImportSource =
  | { kind: 'pack'; file: Blob; trust?: PackTrust }
  | { kind: 'delta'; file: Blob; trust?: PackTrust }
  | { kind: 'pack'; url: string }
  | { kind: 'corpus'; file: Blob; packId: string; title: string; language?: string };

export interface ImportRequest {
  type: 'import';
  source: ImportSource;
}

export type ImportPhase = 'read' | 'index' | 'write';

export type ImportEvent =
  | { type: 'progress'; phase: ImportPhase; done: number; total: number }
  /** `stats` for a delta: what it kept, wrote and removed. */
  | { type: 'done'; outcome: InstallOutcome; manifest: PackManifest; stats?: DeltaStats }
  | { type: 'error'; error: AppErrorData };
