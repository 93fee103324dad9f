import type { AppErrorData } from '../core/errors/app-error';
import type { PackManifest } from '../core/pack/pack-schema';
import type { PackSignature, TrustedKey } from '../core/pack/pack-signature';
import type { InstallOutcome } from '../db/pack-install';

/** A pack's signature and the publisher keys it must be signed with: checked after reading, before installing. */
export interface PackTrust {
  signature: PackSignature | null;
  keys: TrustedKey[];
}

/** A pack file (from the clinic server: with the trust it must meet), or a Meditron `guidelines` corpus chunked into a pack. */
export type ImportSource =
  | { kind: 'pack'; file: Blob; trust?: PackTrust }
  | { kind: 'pack'; url: string }
  | { kind: 'corpus'; file: Blob; packId: string; title: string; language?: string };

export interface ImportRequest {
  type: 'import';
  source: ImportSource;
}

export type ImportPhase = 'read' | 'index' | 'write';

export type ImportEvent =
  | { type: 'progress'; phase: ImportPhase; done: number; total: number }
  | { type: 'done'; outcome: InstallOutcome; manifest: PackManifest }
  | { type: 'error'; error: AppErrorData };
