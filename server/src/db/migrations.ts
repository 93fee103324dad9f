/**
 * Schema changes, applied in order and never edited once released: a new change is a new entry.
 * Each feature's tables are introduced by the migration of the release that added the feature.
 */
export const MIGRATIONS: string[] = [
  // 1: devices and their enrollment codes.
  `CREATE TABLE devices (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL,
     last_seen_at TEXT,
     revoked_at TEXT
   );
   CREATE TABLE enrollment_codes (
     code_hash TEXT PRIMARY KEY,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     used_at TEXT,
     device_id TEXT REFERENCES devices(id)
   );`,
  // 2: question jobs. `id` is the client's idempotency key; `seq` orders changes for "since" pulls.
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     device_id TEXT NOT NULL REFERENCES devices(id),
     seq INTEGER NOT NULL UNIQUE,
     request TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
     answer TEXT,
     error TEXT,
     model TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX jobs_device_seq ON jobs(device_id, seq);
   CREATE INDEX jobs_status ON jobs(status, seq);`,
  // 3: guideline packs, each version kept as its validated file in the data directory.
  `CREATE TABLE packs (
     id TEXT NOT NULL,
     version TEXT NOT NULL,
     manifest TEXT NOT NULL,
     file TEXT NOT NULL,
     size INTEGER NOT NULL,
     etag TEXT NOT NULL,
     imported_at TEXT NOT NULL,
     published_at TEXT,
     PRIMARY KEY (id, version)
   );`,
  // 4: pack signatures: the publisher key's signature of a version's manifest, JSON {keyId, signature}, made when
  // it is published; NULL for a version published while the clinic had no publisher key.
  `ALTER TABLE packs ADD COLUMN signature TEXT;`,
  // 5: base-camp sync. `sync_changes` keeps the latest change of each entity a tablet pulls, in the order they
  // happened (a NULL device_id is for every device); it starts with what already exists. `clinic_settings` holds
  // the admin's choices, NULL meaning the default. Deleted jobs and feedback stay as rows with `deleted_at`.
  `CREATE TABLE sync_changes (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL CHECK (kind IN ('settings', 'pack', 'job')),
     entity_id TEXT NOT NULL,
     device_id TEXT,
     deleted INTEGER NOT NULL DEFAULT 0,
     UNIQUE (kind, entity_id)
   );
   CREATE TABLE clinic_settings (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     clinic_name TEXT,
     default_language TEXT,
     engine_policy TEXT
   );
   INSERT INTO clinic_settings (id) VALUES (1);
   CREATE TABLE feedback (
     id TEXT PRIMARY KEY,
     device_id TEXT NOT NULL REFERENCES devices(id),
     record TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     deleted_at TEXT
   );
   ALTER TABLE jobs ADD COLUMN deleted_at TEXT;
   INSERT INTO sync_changes (kind, entity_id) VALUES ('settings', 'clinic');
   INSERT INTO sync_changes (kind, entity_id)
     SELECT DISTINCT 'pack', id FROM packs WHERE published_at IS NOT NULL ORDER BY id;
   INSERT INTO sync_changes (kind, entity_id, device_id) SELECT 'job', id, device_id FROM jobs ORDER BY seq;`,
];
