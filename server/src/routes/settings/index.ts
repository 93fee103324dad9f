import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../auth/guards';
import { errorBodySchema } from '../../errors';
import { PublisherKeys } from '../../packs/publisher-keys';
import { ClinicSettingsStore } from '../../settings/clinic-settings';
import { clinicSettingsSchema } from '../sync/schemas';

const response = { 200: clinicSettingsSchema, '4xx': errorBodySchema, '5xx': errorBodySchema } as const;

/** What the clinic's administrator sets for every tablet; tablets receive it through the sync. */
export async function settingsRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app.ctx;
  const settings = new ClinicSettingsStore(db, new PublisherKeys(config.dataDir));

  app.get('/api/admin/settings', { onRequest: requireAdmin, schema: { response } }, async () => settings.get());

  // Partial; the values are checked by the settings store, which names the field that is wrong.
  app.put<{ Body: unknown }>(
    '/api/admin/settings',
    { onRequest: requireAdmin, schema: { body: { type: 'object' }, response } },
    async (request) => settings.set(request.body),
  );
}
