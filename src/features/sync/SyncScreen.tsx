import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { hrefOf } from '../../app/use-route';
import { ProgressBar } from '../../components/ProgressBar';
import { clinicConnection } from '../../db/clinic-connection';
import { library } from '../../db/library';
import { clinicSettings, syncState } from '../../db/sync-state';
import { useErrorMessage } from '../../i18n/use-error-message';
import { pendingWork } from '../../sync/pending';
import { ClinicPacksPanel } from '../packs/ClinicPacksPanel';
import { type SyncStatus, syncNow, useSyncStatus } from './sync-store';

/** The sync with the clinic server: when it last worked, what waits in each direction, progress, errors, and "Sync now". */
export function SyncScreen() {
  const { t, i18n } = useTranslation('sync');
  const errorMessage = useErrorMessage();
  const { db } = library();
  // null: not enrolled; undefined: still reading.
  const connection = useLiveQuery(async () => (await clinicConnection(db)) ?? null, []);
  const settings = useLiveQuery(() => clinicSettings(db), []);
  const state = useLiveQuery(async () => {
    const c = await clinicConnection(db);
    return c && syncState(db, c.deviceId);
  }, []);
  const pending = useLiveQuery(() => pendingWork(db), []);
  const status = useSyncStatus();
  const time = (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  const count = (n: number) => new Intl.NumberFormat(i18n.language).format(n);

  if (connection === undefined) return null;
  if (connection === null) {
    return (
      <section className="sync" aria-labelledby="sync-heading">
        <h1 id="sync-heading">{t('heading')}</h1>
        <p>
          {t('notEnrolled')} <a href={hrefOf({ name: 'clinic', code: '' })}>{t('enrollLink')}</a>
        </p>
      </section>
    );
  }

  const failedLast = state?.lastError && (!state.lastSuccessAt || (state.lastAttemptAt ?? '') > state.lastSuccessAt);
  return (
    <section className="sync" aria-labelledby="sync-heading">
      <h1 id="sync-heading">{t('heading')}</h1>
      <p>{t('clinic', { name: settings?.clinicName || connection.origin, origin: connection.origin })}</p>
      <p role="status">{state?.lastSuccessAt ? t('lastSync', { time: time(state.lastSuccessAt) }) : t('neverSynced')}</p>
      {failedLast && state?.lastError ? (
        <p className="notice notice-warning" role="alert">
          {t('lastFailed', { reason: errorMessage(state.lastError) })}
        </p>
      ) : null}
      <SyncProgress status={status} />
      {pending ? (
        <div className="sync-pending">
          <section aria-labelledby="sync-out">
            <h2 id="sync-out">{t('toSend')}</h2>
            <ul>
              <li>{t('questions', { count: pending.toSend.questions, formatted: count(pending.toSend.questions) })}</li>
              <li>{t('feedback', { count: pending.toSend.feedback, formatted: count(pending.toSend.feedback) })}</li>
              <li>{t('deletions', { count: pending.toSend.deletions, formatted: count(pending.toSend.deletions) })}</li>
            </ul>
          </section>
          <section aria-labelledby="sync-in">
            <h2 id="sync-in">{t('toReceive')}</h2>
            <ul>
              <li>{t('answers', { count: pending.toReceive.answers, formatted: count(pending.toReceive.answers) })}</li>
              <li>{t('packs', { count: pending.toReceive.packs, formatted: count(pending.toReceive.packs) })}</li>
            </ul>
          </section>
        </div>
      ) : null}
      <button type="button" className="button" disabled={status.flushing !== undefined} onClick={() => void syncNow()}>
        {t('syncNow')}
      </button>
      <ClinicPacksPanel withButton={false} />
    </section>
  );
}

function SyncProgress({ status }: { status: SyncStatus }) {
  const { t } = useTranslation('sync');
  const { flushing } = status;
  if (!flushing) return null;
  if (flushing.phase === 'start') return <ProgressBar label={t('syncing')} value={null} status={t('syncing')} />;
  const label =
    flushing.phase === 'push' ? t('sending', { done: flushing.done, total: flushing.total }) : t('receiving', { done: flushing.done });
  return <ProgressBar label={t('syncing')} value={flushing.total > 0 ? flushing.done / flushing.total : null} status={label} />;
}
