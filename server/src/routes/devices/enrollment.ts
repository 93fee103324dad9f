import { randomUUID } from 'node:crypto';
import { hashToken, newEnrollmentCode, newToken, normalizeEnrollmentCode } from '../../auth/tokens';
import type { Db } from '../../db/database';
import { ServerError } from '../../errors';

export const DEFAULT_TTL_MINUTES = 24 * 60;
export const MAX_TTL_MINUTES = 7 * 24 * 60;

export interface DeviceRow {
  id: string;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

/** A one-time code an admin reads to a health worker; only its hash is kept. */
export function createEnrollmentCode(db: Db, ttlMinutes = DEFAULT_TTL_MINUTES, now = new Date()): { code: string; expiresAt: string } {
  const code = newEnrollmentCode();
  const expiresAt = new Date(now.getTime() + ttlMinutes * 60_000).toISOString();
  db.prepare('INSERT INTO enrollment_codes (code_hash, created_at, expires_at) VALUES (?, ?, ?)').run(
    hashToken(normalizeEnrollmentCode(code)),
    now.toISOString(),
    expiresAt,
  );
  return { code, expiresAt };
}

/**
 * Trades a code for a device token, once: the device row and the code's use are one transaction, and
 * the code is claimed only while unused and unexpired, so two tablets racing with one code cannot both win.
 */
export function redeemEnrollmentCode(db: Db, code: string, name: string): { deviceId: string; token: string } {
  const deviceId = randomUUID();
  const token = newToken();
  const now = new Date().toISOString();
  db.transaction(() => {
    db.prepare('INSERT INTO devices (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)').run(deviceId, name, hashToken(token), now);
    const claimed = db
      .prepare('UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?')
      .run(now, deviceId, hashToken(normalizeEnrollmentCode(code)), now);
    if (claimed.changes !== 1) {
      throw new ServerError(
        'auth/invalid-enrollment',
        'This enrollment code is unknown, expired or already used. Ask the clinic admin for a new code.',
      );
    }
  }).immediate();
  return { deviceId, token };
}

export function listDevices(db: Db): DeviceRow[] {
  return db
    .prepare(
      'SELECT id, name, created_at AS createdAt, last_seen_at AS lastSeenAt, revoked_at AS revokedAt FROM devices ORDER BY created_at, id',
    )
    .all() as DeviceRow[];
}

/** False when no such device exists. Revoking twice keeps the first date. */
export function revokeDevice(db: Db, id: string): boolean {
  const known = db.prepare('SELECT 1 FROM devices WHERE id = ?').get(id);
  if (!known) return false;
  db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id);
  return true;
}
