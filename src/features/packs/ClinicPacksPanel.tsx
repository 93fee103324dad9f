import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { ProgressBar } from '../../components/ProgressBar';
import { clinicConnection } from '../../db/clinic-connection';
import { library } from '../../db/library';
import { formatBytes } from '../../i18n/format-bytes';
import { useErrorMessage } from '../../i18n/use-error-message';
import { syncNow, useSyncStatus } from '../sync/sync-store';

/** Packs from the clinic server: what is coming, what came (as an update or whole), what was refused and why. */
export function ClinicPacksPanel({ withButton = true }: { withButton?: boolean }) {
  const { t, i18n } = useTranslation('packs');
  const errorMessage = useErrorMessage();
  const connection = useLiveQuery(() => clinicConnection(library().db), []);
  const { packs: state, flushing } = useSyncStatus();
  if (!connection) return null;
  const time = (at: number) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
  const bytes = (n: number) => formatBytes(n, i18n.language);
  const progress = state.status === 'syncing' ? state.progress : undefined;
  return (
    <section aria-labelledby="clinic-packs-heading">
      <h2 id="clinic-packs-heading">{t('fromClinic')}</h2>
      {state.status === 'syncing' ? (
        <ProgressBar
          label={t('clinicSyncing')}
          value={progress?.total ? progress.received / progress.total : null}
          status={
            progress
              ? t('clinicGetting', {
                  title: progress.title,
                  n: progress.index + 1,
                  count: progress.count,
                  received: bytes(progress.received),
                })
              : t('clinicSyncing')
          }
        />
      ) : null}
      {state.status === 'done' ? (
        <div role="status">
          <p>{t('clinicChecked', { time: time(state.at) })}</p>
          {state.result.installed.map((p) => (
            <p key={p.id} className="notice notice-success">
              {p.via === 'delta' && p.stats
                ? t('clinicUpdated', { title: p.title, version: p.version, ...p.stats })
                : t('clinicInstalled', { title: p.title, version: p.version })}
            </p>
          ))}
          {state.result.removed.map((id) => (
            <p key={id} className="notice">
              {t('clinicWithdrawn', { id })}
            </p>
          ))}
        </div>
      ) : null}
      {state.status === 'failed' ? <p className="notice notice-warning">{t('clinicStorageFailed')}</p> : null}
      {state.status === 'done'
        ? state.result.failed.map((p) => (
            <p key={p.id} className="notice notice-error" role="alert">
              {t('clinicRefused', { title: p.title, version: p.version, reason: errorMessage(p.error) })}
            </p>
          ))
        : null}
      {withButton ? (
        <button
          type="button"
          className="button button-secondary"
          disabled={state.status === 'syncing' || flushing !== undefined}
          onClick={() => void syncNow()}
        >
          {t('clinicCheckNow')}
        </button>
      ) : null}
    </section>
  );
}
