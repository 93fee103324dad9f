import type { AppErrorData } from '../core/errors/app-error';
import type { PackManifest } from '../core/pack/pack-schema';
import type { InstallOutcome } from '../db/pack-install';

/** A pack file, or a Meditron `guidelines` JSONL corpus that is chunked into a pack. */
export type ImportSource =
  | { kind: 'pack'; file: Blob }
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
