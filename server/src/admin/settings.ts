import { parseArgs } from 'node:util';
import { ENGINE_POLICIES } from '../../../src/core/sync/sync-constants';
import { LANGUAGES } from '../../../src/i18n/languages';
import { PublisherKeys } from '../packs/publisher-keys';
import { ClinicSettingsStore, type ClinicSettingsUpdate } from '../settings/clinic-settings';
import type { AdminCommand } from './cli';

const FLAGS = { 'clinic-name': 'clinicName', language: 'defaultLanguage', 'engine-policy': 'enginePolicy' } as const;

export const settingsCommands: Record<string, AdminCommand> = {
  settings: {
    usage: 'settings [--clinic-name N] [--language L] [--engine-policy P]',
    help: `show or set what every tablet gets: language ${LANGUAGES.map((l) => l.code).join('|')}|browser, policy ${ENGINE_POLICIES.join('|')}`,
    run({ dataDir, db, print }, args) {
      const { values } = parseArgs({
        args,
        options: { 'clinic-name': { type: 'string' }, language: { type: 'string' }, 'engine-policy': { type: 'string' } },
        allowPositionals: false,
        strict: true,
      });
      const store = new ClinicSettingsStore(db, new PublisherKeys(dataDir));
      const update: ClinicSettingsUpdate = {};
      for (const [flag, field] of Object.entries(FLAGS)) {
        const value = values[flag as keyof typeof FLAGS];
        // `--language browser`: each tablet follows its own browser's language again.
        if (value !== undefined) Object.assign(update, { [field]: field === 'defaultLanguage' && value === 'browser' ? null : value });
      }
      const changed = Object.keys(update).length > 0;
      const settings = changed ? store.set(update) : store.get();
      print(`Clinic name:       ${settings.clinicName}`);
      print(`Default language:  ${settings.defaultLanguage ?? "each tablet's browser language"}`);
      print(`Engine policy:     ${settings.enginePolicy}`);
      const keys = settings.publisherKeys.map((k) => `${k.keyId}${k.retired ? ' (retired)' : ''}`);
      print(`Publisher keys:    ${keys.length > 0 ? keys.join(', ') : 'none (create one with publisher-key)'}`);
      if (changed) print('Saved: tablets get the new settings at their next sync.');
    },
  },
};
