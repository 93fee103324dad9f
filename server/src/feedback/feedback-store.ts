import type { Feedback } from '../../../src/core/feedback/feedback-schema';
import type { Db } from '../db/database';
import { ServerError } from '../errors';

/** A feedback record as the clinic keeps it: the tablet's record, who sent it and when. */
export interface StoredFeedback {
  record: Feedback;
  deviceId: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

interface FeedbackRow {
  id: string;
  device_id: string;
  record: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

/**
 * Clinicians' ratings of answers (MOOVE criteria), pushed by tablets. The record's id is made by the
 * tablet, so a push sent again stores nothing twice; a deleted record is kept as deleted, not erased.
 */
export class FeedbackStore {
  constructor(private readonly db: Db) {}

  /** Stores or replaces the device's record; an id another device used is a conflict. */
  put(deviceId: string, record: Feedback): void {
    const json = JSON.stringify(record);
    this.db.transaction(() => {
      const existing = this.row(record.id);
      if (existing && existing.device_id !== deviceId) {
        throw new ServerError('request/conflict', 'Another device already sent feedback with this id. Use a new UUID.');
      }
      const now = new Date().toISOString();
      if (existing === undefined) {
        this.db
          .prepare('INSERT INTO feedback (id, device_id, record, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
          .run(record.id, deviceId, json, now, now);
      } else if (existing.deleted_at === null) {
        // A deleted record stays deleted: a late resend of its put does not bring it back.
        this.db.prepare('UPDATE feedback SET record = ?, updated_at = ? WHERE id = ? AND record != ?').run(json, now, record.id, json);
      }
    })();
  }

  /** Marks the device's record deleted; an unknown id, another device's, or one deleted already, changes nothing. */
  delete(deviceId: string, id: string): void {
    this.db
      .prepare('UPDATE feedback SET deleted_at = ? WHERE id = ? AND device_id = ? AND deleted_at IS NULL')
      .run(new Date().toISOString(), id, deviceId);
  }

  /** Every record, oldest first, for export; deleted ones only when asked. */
  list(options: { includeDeleted?: boolean } = {}): StoredFeedback[] {
    const rows = this.db
      .prepare(`SELECT * FROM feedback ${options.includeDeleted ? '' : 'WHERE deleted_at IS NULL'} ORDER BY created_at, id`)
      .all() as FeedbackRow[];
    return rows.map((row) => ({
      record: JSON.parse(row.record) as Feedback,
      deviceId: row.device_id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      deletedAt: row.deleted_at,
    }));
  }

  private row(id: string): FeedbackRow | undefined {
    return this.db.prepare('SELECT * FROM feedback WHERE id = ?').get(id) as FeedbackRow | undefined;
  }
}
