import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { enroll } from '../../api/clinic-client';
import type { AppErrorData } from '../../core/errors/app-error';
import { toErrorData } from '../../core/errors/app-error';
import { clinicConnection, forgetClinicConnection, saveClinicConnection } from '../../db/clinic-connection';
import { library } from '../../db/library';
import { useErrorMessage } from '../../i18n/use-error-message';
import { syncNow } from '../sync/sync-store';

/** Enrolls this tablet with the clinic server that served the app, with the admin's one-time code. */
export function ClinicScreen({ code: initialCode }: { code: string }) {
  const { t } = useTranslation('clinic');
  const errorMessage = useErrorMessage();
  const connection = useLiveQuery(() => clinicConnection(library().db), []);
  const [code, setCode] = useState(initialCode);
  const [name, setName] = useState('');
  const [state, setState] = useState<{ status: 'idle' | 'busy' } | { status: 'failed'; error: AppErrorData }>({ status: 'idle' });
  const ids = { code: useId(), name: useId() };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setState({ status: 'busy' });
    try {
      const origin = location.origin;
      const { deviceId, token } = await enroll(origin, code, name);
      await saveClinicConnection(library().db, { origin, deviceId, deviceName: name.trim(), token, enrolledAt: new Date().toISOString() });
      setState({ status: 'idle' });
      // The clinic's settings and packs come at once, not at the next poll.
      void syncNow();
    } catch (error) {
      setState({ status: 'failed', error: toErrorData(error) });
    }
  };

  const forget = async () => {
    if (confirm(t('confirmForget'))) await forgetClinicConnection(library().db);
  };

  return (
    <section className="clinic" aria-labelledby="clinic-heading">
      <h1 id="clinic-heading">{t('heading')}</h1>
      {connection ? (
        <>
          <p className="notice notice-success" role="status">
            {t('enrolled', { name: connection.deviceName, origin: connection.origin })}
          </p>
          <button type="button" className="button button-secondary" onClick={() => void forget()}>
            {t('forget')}
          </button>
        </>
      ) : (
        <form className="import-form" onSubmit={submit}>
          <p>{t('explain')}</p>
          <label htmlFor={ids.code}>{t('code')}</label>
          <input
            id={ids.code}
            type="text"
            value={code}
            required
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            onChange={(e) => setCode(e.target.value)}
          />
          <label htmlFor={ids.name}>{t('tabletName')}</label>
          <input id={ids.name} type="text" value={name} required maxLength={80} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="button" disabled={state.status === 'busy' || !code.trim() || !name.trim()}>
            {t('enroll')}
          </button>
          {state.status === 'failed' ? (
            <p className="notice notice-error" role="alert">
              {errorMessage(state.error)}
            </p>
          ) : null}
        </form>
      )}
    </section>
  );
}
