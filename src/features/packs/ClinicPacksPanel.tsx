import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { ProgressBar } from '../../components/ProgressBar';
import { clinicConnection } from '../../db/clinic-connection';
import { library } from '../../db/library';
import { useErrorMessage } from '../../i18n/use-error-message';
import { syncClinicPacks, useClinicPacks } from './clinic-packs-store';

/** Packs from the clinic server: the last look, what came, what was refused and why, and a button to look now. */
export function ClinicPacksPanel() {
  const { t, i18n } = useTranslation('packs');
  const errorMessage = useErrorMessage();
  const connection = useLiveQuery(() => clinicConnection(library().db), []);
  const state = useClinicPacks();
  if (!connection) return null;
  const time = (at: number) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
  return (
    <section aria-labelledby="clinic-packs-heading">
      <h2 id="clinic-packs-heading">{t('fromClinic')}</h2>
      {state.status === 'syncing' ? (
        <ProgressBar
          label={t('clinicSyncing')}
          value={state.count > 0 ? state.index / state.count : null}
          status={state.title ? t('clinicGetting', { title: state.title, n: state.index + 1, count: state.count }) : t('clinicSyncing')}
        />
      ) : null}
      {state.status === 'done' ? (
        <div role="status">
          {state.result.unreachable ? (
            <p className="notice notice-warning">{t('clinicUnreachable')}</p>
          ) : (
            <p>{t('clinicChecked', { time: time(state.at) })}</p>
          )}
          {state.result.installed.map((p) => (
            <p key={p.id} className="notice notice-success">
              {t('clinicInstalled', { title: p.title, version: p.version })}
            </p>
          ))}
        </div>
      ) : null}
      {state.status === 'done'
        ? state.result.failed.map((p) => (
            <p key={p.id} className="notice notice-error" role="alert">
              {t('clinicRefused', { title: p.title, version: p.version, reason: errorMessage(p.error) })}
            </p>
          ))
        : null}
      <button
        type="button"
        className="button button-secondary"
        disabled={state.status === 'syncing'}
        onClick={() => void syncClinicPacks()}
      >
        {t('clinicCheckNow')}
      </button>
    </section>
  );
}
