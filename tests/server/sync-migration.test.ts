import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/src/db/database';
import { MIGRATIONS } from '../../server/src/db/migrations';
import { ChangeLog } from '../../server/src/sync/change-log';

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A clinic database as release 4 left it: two devices, their jobs, and packs in every state. */
function databaseAtMigration4(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meditron-sync-migration-'));
  dirs.push(dir);
  const file = join(dir, 'clinic.sqlite');
  const old = new Database(file);
  for (const sql of MIGRATIONS.slice(0, 4)) old.exec(sql);
  old.pragma('user_version = 4');
  const device = old.prepare("INSERT INTO devices (id, name, token_hash, created_at) VALUES (?, ?, ?, '2026-01-01')");
  device.run('dev-a', 'A', 'hash-a');
  device.run('dev-b', 'B', 'hash-b');
  const job = old.prepare(
    "INSERT INTO jobs (id, device_id, seq, request, status, created_at, updated_at) VALUES (?, ?, ?, '{\"question\":\"q\"}', ?, '2026-01-01', '2026-01-01')",
  );
  // Inserted out of seq order: the log follows seq.
  job.run('job-3', 'dev-a', 3, 'done');
  job.run('job-1', 'dev-b', 1, 'queued');
  job.run('job-2', 'dev-a', 2, 'cancelled');
  const pack = old.prepare(
    "INSERT INTO packs (id, version, manifest, file, size, etag, imported_at, published_at) VALUES (?, ?, '{}', 'f', 1, '\"e\"', '2026-01-01', ?)",
  );
  pack.run('malaria', '1', '2026-01-02T00:00:00Z');
  pack.run('malaria', '2', '2026-01-03T00:00:00Z');
  pack.run('cholera', '1', '2026-01-02T00:00:00Z');
  pack.run('draft', '1', null);
  old.close();
  return file;
}

describe('the sync migration', () => {
  it('starts the change log with the settings, every published pack and every job in seq order', () => {
    const db = openDatabase(databaseAtMigration4());
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const rows = db.prepare('SELECT kind, entity_id, device_id, deleted FROM sync_changes ORDER BY seq').all();
      expect(rows).toEqual([
        { kind: 'settings', entity_id: 'clinic', device_id: null, deleted: 0 },
        { kind: 'pack', entity_id: 'cholera', device_id: null, deleted: 0 },
        { kind: 'pack', entity_id: 'malaria', device_id: null, deleted: 0 },
        { kind: 'job', entity_id: 'job-1', device_id: 'dev-b', deleted: 0 },
        { kind: 'job', entity_id: 'job-2', device_id: 'dev-a', deleted: 0 },
        { kind: 'job', entity_id: 'job-3', device_id: 'dev-a', deleted: 0 },
      ]);
      expect(db.prepare('SELECT clinic_name, default_language, engine_policy FROM clinic_settings').all()).toEqual([
        { clinic_name: null, default_language: null, engine_policy: null },
      ]);
      expect(db.prepare('SELECT deleted_at FROM jobs').all()).toEqual([{ deleted_at: null }, { deleted_at: null }, { deleted_at: null }]);

      // Each device sees everyone's changes and its own jobs only.
      const log = new ChangeLog(db);
      expect(log.since('dev-a', 0, 100).map((r) => r.entityId)).toEqual(['clinic', 'cholera', 'malaria', 'job-2', 'job-3']);
      expect(log.since('dev-b', 3, 100).map((r) => r.entityId)).toEqual(['job-1']);
    } finally {
      db.close();
    }
  });

  it('keeps one row per entity, moved to the end with a higher seq at each change', () => {
    const db = openDatabase(databaseAtMigration4());
    try {
      const log = new ChangeLog(db);
      const before = log.since('dev-a', 0, 100).at(-1)!.seq;
      log.record('pack', 'cholera', { deleted: true });
      db.transaction(() => log.record('settings', 'clinic'))();
      const rows = log.since('dev-a', 0, 100);
      expect(rows.map((r) => r.entityId)).toEqual(['malaria', 'job-2', 'job-3', 'cholera', 'clinic']);
      expect(rows.at(-2)).toEqual({ seq: before + 1, kind: 'pack', entityId: 'cholera', deleted: true });
      expect(rows.at(-1)!.seq).toBe(before + 2);
    } finally {
      db.close();
    }
  });
});
