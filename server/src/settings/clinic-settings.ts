import { z } from 'zod';
import { type ClinicSettings, ClinicSettingsSchema } from '../../../src/core/sync/sync-protocol';
import { LANGUAGES } from '../../../src/i18n/languages';
import type { Db } from '../db/database';
import { ServerError } from '../errors';
import type { PublisherKeys } from '../packs/publisher-keys';
import { ChangeLog } from '../sync/change-log';

/** What the admin sets; the publisher keys come from the key store, managed with `publisher-key`. */
export type ClinicSettingsUpdate = Partial<Omit<ClinicSettings, 'publisherKeys'>>;

const UI_LANGUAGES: readonly string[] = LANGUAGES.map((l) => l.code);

const ClinicSettingsUpdateSchema = ClinicSettingsSchema.pick({ clinicName: true, defaultLanguage: true, enginePolicy: true })
  .extend({ clinicName: z.string().trim().min(1, 'give the clinic a name').max(120) })
  .partial()
  .strict()
  // A tablet must be able to show it: only the languages the app is translated into.
  .refine((s) => s.defaultLanguage == null || UI_LANGUAGES.includes(s.defaultLanguage), {
    message: `the app is translated into ${UI_LANGUAGES.join(', ')}`,
    path: ['defaultLanguage'],
  });

export const DEFAULT_CLINIC_NAME = 'Clinic';

const LABELS: Record<string, string> = {
  clinicName: 'clinic name',
  defaultLanguage: 'default language',
  enginePolicy: 'engine policy',
};

/** Said the same to the admin command and the API: which setting, and what it may be. */
function invalid(issue: z.core.$ZodIssue): ServerError {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    return new ServerError(
      'request/invalid',
      `Unknown setting ${keys}: only clinicName, defaultLanguage and enginePolicy can be set (publisher keys with the publisher-key command).`,
      { field: keys },
    );
  }
  const field = String(issue.path[0] ?? '');
  return new ServerError('request/invalid', `Invalid ${LABELS[field] ?? 'settings'}: ${issue.message}.`, { field });
}

const COLUMNS = { clinicName: 'clinic_name', defaultLanguage: 'default_language', enginePolicy: 'engine_policy' } as const;

interface SettingsRow {
  clinic_name: string | null;
  default_language: string | null;
  engine_policy: ClinicSettings['enginePolicy'] | null;
}

/**
 * The clinic's settings for every tablet, in the `clinic_settings` row (NULL: the default). Changes are
 * recorded in the sync log, so tablets pick them up at their next sync, whichever process made them.
 */
export class ClinicSettingsStore {
  constructor(
    private readonly db: Db,
    private readonly keys: PublisherKeys,
  ) {}

  get(): ClinicSettings {
    const row = this.db.prepare('SELECT clinic_name, default_language, engine_policy FROM clinic_settings WHERE id = 1').get() as
      | SettingsRow
      | undefined;
    return {
      clinicName: row?.clinic_name ?? DEFAULT_CLINIC_NAME,
      defaultLanguage: row?.default_language ?? null,
      enginePolicy: row?.engine_policy ?? 'auto',
      publisherKeys: this.keys.list().map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, name: k.name, retired: k.retiredAt !== null })),
    };
  }

  /** Validates a partial update (a 400 naming the field when wrong), stores it, and returns the settings. */
  set(update: unknown): ClinicSettings {
    const parsed = ClinicSettingsUpdateSchema.safeParse(update);
    if (!parsed.success) throw invalid(parsed.error.issues[0]!);
    // Only the settings given change; a language given as null goes back to each tablet's own.
    const given = (Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]).filter((key) => parsed.data[key] !== undefined);
    this.db.transaction(() => {
      if (given.length > 0) {
        this.db
          .prepare(`UPDATE clinic_settings SET ${given.map((key) => `${COLUMNS[key]} = ?`).join(', ')} WHERE id = 1`)
          .run(...given.map((key) => parsed.data[key] ?? null));
      }
      new ChangeLog(this.db).record('settings', 'clinic');
    })();
    return this.get();
  }
}
