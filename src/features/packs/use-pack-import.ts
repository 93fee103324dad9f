import { useCallback, useState } from 'react';
import type { AppErrorData } from '../../core/errors/app-error';
import type { PackManifest } from '../../core/pack/pack-schema';
import type { InstallOutcome } from '../../db/pack-install';
import { importInWorker } from '../../workers/import-client';
import type { ImportPhase, ImportSource } from '../../workers/import-protocol';

export type ImportState =
  | { status: 'idle' }
  | { status: 'running'; phase: ImportPhase; fraction: number | null }
  | { status: 'done'; outcome: InstallOutcome; manifest: PackManifest }
  | { status: 'failed'; error: AppErrorData };

// Reading, indexing and writing take roughly these shares of an import: one bar across all three.
const PHASES: Record<ImportPhase, [start: number, share: number]> = {
  read: [0, 0.45],
  index: [0.45, 0.1],
  write: [0.55, 0.45],
};

export function usePackImport() {
  const [state, setState] = useState<ImportState>({ status: 'idle' });
  const start = useCallback(async (source: ImportSource) => {
    setState({ status: 'running', phase: 'read', fraction: 0 });
    try {
      const result = await importInWorker(source, ({ phase, done, total }) => {
        const [begin, share] = PHASES[phase];
        setState({ status: 'running', phase, fraction: total > 0 ? begin + share * Math.min(1, done / total) : null });
      });
      setState({ status: 'done', outcome: result.outcome, manifest: result.manifest });
    } catch (error) {
      setState({ status: 'failed', error: error as AppErrorData });
    }
  }, []);
  return { state, start };
}
