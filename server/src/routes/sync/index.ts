import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '../../../../src/core/sync/sync-constants';
import { type ChangesPage, PushItemSchema, type PushResult, type SyncChange } from '../../../../src/core/sync/sync-protocol';
import { requireDevice } from '../../auth/guards';
import { DEFAULT_SYNC_PUSH_BYTES } from '../../config';
import { ServerError } from '../../errors';
import { FeedbackStore } from '../../feedback/feedback-store';
import { JobStore } from '../../jobs/job-store';
import { PackStore } from '../../packs/pack-store';
import { ClinicSettingsStore } from '../../settings/clinic-settings';
import { ChangeLog } from '../../sync/change-log';
import { packSummary } from '../packs/schemas';
import { changesQuerySchema, changesResponseSchema, pushBodySchema, pushResponseSchema } from './schemas';

/** An app older than the protocol this server speaks must reload to update before it syncs. */
async function requireSyncProtocol(request: FastifyRequest): Promise<void> {
  const header = request.headers[SYNC_PROTOCOL_HEADER];
  const version = typeof header === 'string' && /^\d+$/.test(header.trim()) ? Number(header) : null;
  if (version === null || version < SYNC_PROTOCOL_VERSION) {
    throw new ServerError(
      'sync/outdated-app',
      'This app is too old to sync with the clinic server. Reload the app to update it, then sync again.',
      { minProtocol: SYNC_PROTOCOL_VERSION },
    );
  }
}

// The device first (401), then the protocol (426): a stranger learns nothing of the server's version.
const deviceSync = [requireDevice, requireSyncProtocol];

/**
 * Base-camp sync (docs/sync.md): a tablet pushes what it made (questions, feedback, deletions), then pulls
 * every change since its checkpoint: clinic settings, published packs and its own jobs, each in its state now.
 */
export async function syncRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app.ctx;
  const log = new ChangeLog(db);
  const jobs = new JobStore(db);
  const feedback = new FeedbackStore(db);
  const packs = new PackStore(db, config.dataDir);
  const settings = new ClinicSettingsStore(db, packs.keys);

  app.get<{ Querystring: { since: number; limit: number } }>(
    '/api/sync/changes',
    { onRequest: deviceSync, schema: { querystring: changesQuerySchema, response: changesResponseSchema } },
    async (request): Promise<ChangesPage> => {
      const { since, limit } = request.query;
      const deviceId = request.device!.id;
      // One more than asked: whether there is more is known without a second query.
      const rows = log.since(deviceId, since, limit + 1);
      const page = rows.slice(0, limit);
      const current = page.some((r) => r.kind === 'pack') ? new Map(packs.current().map((p) => [p.manifest.id, p])) : null;
      const clinic = page.some((r) => r.kind === 'settings') ? settings.get() : null;
      const changes = page.map(({ seq, kind, entityId: id }): SyncChange => {
        if (kind === 'settings') return { seq, kind, id: 'clinic', deleted: false, data: clinic! };
        // The state now, not the state the row recorded: a later change of the same entity has its own row.
        const data = kind === 'pack' ? (current!.has(id) ? packSummary(current!.get(id)!) : null) : jobs.find(deviceId, id);
        return { seq, kind, id, deleted: data === null, data } as SyncChange;
      });
      return { changes, checkpoint: page.at(-1)?.seq ?? since, more: rows.length > limit };
    },
  );

  app.post<{ Body: { items: unknown[] } }>(
    '/api/sync/push',
    {
      onRequest: deviceSync,
      bodyLimit: config.syncPushBytes ?? DEFAULT_SYNC_PUSH_BYTES,
      schema: { body: pushBodySchema, response: pushResponseSchema },
    },
    async (request) => {
      const deviceId = request.device!.id;
      const results = db.transaction(() => request.body.items.map((item) => apply(deviceId, item)))();
      return { results };
    },
  );

  /** One item: refused on its own (invalid, or another device's id), so the others still apply. */
  function apply(deviceId: string, raw: unknown): PushResult {
    const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as { kind?: unknown; id?: unknown; op?: unknown };
    const kind = typeof fields.kind === 'string' ? fields.kind : 'unknown';
    const id = typeof fields.id === 'string' ? fields.id : '';
    // The member for this kind and op, so a bad item's message names its field rather than the whole union.
    const schema = PushItemSchema.options.find((o) => o.shape.kind.value === fields.kind && o.shape.op.value === fields.op);
    if (!schema) return rejected(kind, id, 'request/invalid', 'Invalid item: kind must be "job" or "feedback", op "put" or "delete".');
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return rejected(kind, id, 'request/invalid', `Invalid item: ${where}${issue.message}.`);
    }
    const item = parsed.data;
    try {
      if (item.kind === 'job' && item.op === 'put') {
        const { job, deleted } = jobs.submit(deviceId, item.id, item.data);
        return deleted ? { kind: 'job', id: item.id, status: 'ok' } : { kind: 'job', id: item.id, status: 'ok', job };
      }
      if (item.kind === 'job') jobs.softDelete(deviceId, item.id);
      else if (item.op === 'delete') feedback.delete(deviceId, item.id);
      else if (item.data.id !== item.id) {
        return rejected(kind, id, 'request/invalid', "Invalid item: the feedback record's id is not the item's id.");
      } else feedback.put(deviceId, item.data);
      return { kind: item.kind, id: item.id, status: 'ok' };
    } catch (error) {
      if (!(error instanceof ServerError)) throw error;
      return rejected(kind, id, error.code, error.message);
    }
  }
}

function rejected(kind: string, id: string, code: string, message: string): PushResult {
  return { kind, id, status: 'rejected', error: { code, message } };
}
