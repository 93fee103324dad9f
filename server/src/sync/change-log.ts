import type { Db } from '../db/database';

export type ChangeKind = 'settings' | 'pack' | 'job';

/** One entity's latest change, as the log keeps it; the feed adds the entity's current state. */
export interface ChangeRow {
  seq: number;
  kind: ChangeKind;
  entityId: string;
  deleted: boolean;
}

/**
 * What changed, in the order it changed, for tablets to pull from a checkpoint (`sync_changes`). Only an
 * entity's latest change is kept: a tablet that pulls later gets its current state once, not each step.
 * Every writer records in the same database (the server and the admin command alike), so the feed sees
 * changes made by either.
 */
export class ChangeLog {
  constructor(private readonly db: Db) {}

  /**
   * Moves the entity to the end of the log with a new, higher seq. Inside a caller's transaction it is part
   * of it (a savepoint): the change and its record commit together.
   */
  record(kind: ChangeKind, entityId: string, opts: { deviceId?: string | null; deleted?: boolean } = {}): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sync_changes WHERE kind = ? AND entity_id = ?').run(kind, entityId);
      this.db
        .prepare('INSERT INTO sync_changes (kind, entity_id, device_id, deleted) VALUES (?, ?, ?, ?)')
        .run(kind, entityId, opts.deviceId ?? null, opts.deleted ? 1 : 0);
    })();
  }

  /** Changes after `since` that this device may see (its own and everyone's), oldest first. */
  since(deviceId: string, since: number, limit: number): ChangeRow[] {
    const rows = this.db
      .prepare(
        `SELECT seq, kind, entity_id, deleted FROM sync_changes
         WHERE seq > ? AND (device_id IS NULL OR device_id = ?) ORDER BY seq LIMIT ?`,
      )
      .all(since, deviceId, limit) as { seq: number; kind: ChangeKind; entity_id: string; deleted: number }[];
    return rows.map((r) => ({ seq: r.seq, kind: r.kind, entityId: r.entity_id, deleted: r.deleted === 1 }));
  }
}
