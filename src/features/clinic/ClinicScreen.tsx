import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { enroll, isClinicServer } from '../../api/clinic-client';
import type { AppErrorData } from '../../core/errors/app-error';
import { toErrorData } from '../../core/errors/app-error';
import { clinicConnection, forgetClinicConnection, saveClinicConnection } from '../../db/clinic-connection';
import { library } from '../../db/library';
import { useErrorMessage } from '../../i18n/use-error-message';
import { syncNow } from '../sync/sync-store';
import { type AddressProblem, parseClinicAddress } from './clinic-address';

type EnrollState =
  | { status: 'idle' | 'busy' }
  | { status: 'invalid'; problem: AddressProblem }
  | { status: 'failed'; error: AppErrorData; origin: string };

/**
 * Enrolls this tablet with a clinic server, with the admin's one-time code: the server that served the app,
 * or, for an app hosted elsewhere (a static host), the one whose address is typed or given in the link.
 */
export function ClinicScreen({ code: initialCode, server: linkedServer = '' }: { code: string; server?: string }) {
  const { t } = useTranslation('clinic');
  const errorMessage = useErrorMessage();
  const connection = useLiveQuery(() => clinicConnection(library().db), []);
  // An enroll link may name the server (`#/enroll?code=…&server=…`), for an app hosted elsewhere.
  const [server, setServer] = useState(linkedServer);
  // Unknown until probed: no hint flashes on a clinic server's own page.
  const [servedByClinic, setServedByClinic] = useState<boolean>();
  const [code, setCode] = useState(initialCode);
  const [name, setName] = useState('');
  const [state, setState] = useState<EnrollState>({ status: 'idle' });
  const ids = { server: useId(), serverHint: useId(), code: useId(), name: useId() };
  // Asked once per visit to the screen.
  const [probe] = useState(() => isClinicServer(location.origin));

  useEffect(() => {
    void probe.then((isClinic) => {
      setServedByClinic(isClinic);
      if (isClinic) setServer((typed) => typed || location.origin);
    });
  }, [probe]);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    // Sent before the probe answered (a scanned link, a quick hand): this origin, if it is a clinic server.
    const address = parseClinicAddress(server.trim() || ((await probe) ? location.origin : ''));
    if (!address.ok) return setState({ status: 'invalid', problem: address.problem });
    const { origin } = address;
    setState({ status: 'busy' });
    try {
      const { deviceId, token } = await enroll(origin, code, name);
      await saveClinicConnection(library().db, { origin, deviceId, deviceName: name.trim(), token, enrolledAt: new Date().toISOString() });
      setState({ status: 'idle' });
      // The clinic's settings and packs come at once, not at the next poll.
      void syncNow();
    } catch (error) {
      setState({ status: 'failed', error: toErrorData(error), origin });
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
        <form className="import-form" onSubmit={submit} noValidate>
          <p>{t('explain')}</p>
          <label htmlFor={ids.server}>{t('server')}</label>
          <input
            id={ids.server}
            type="url"
            inputMode="url"
            value={server}
            required
            autoComplete="url"
            spellCheck={false}
            aria-describedby={ids.serverHint}
            aria-invalid={state.status === 'invalid'}
            onChange={(e) => setServer(e.target.value)}
          />
          <p id={ids.serverHint} className="hint">
            {t(servedByClinic === false ? 'serverHintElsewhere' : 'serverHint')}
          </p>
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
          {state.status === 'invalid' ? (
            <p className="notice notice-error" role="alert">
              {t(`address.${state.problem}`)}
            </p>
          ) : null}
          {state.status === 'failed' ? (
            <div className="notice notice-error" role="alert">
              {state.error.code === 'network/failed' ? (
                <>
                  <p>{t('unreachable', { origin: state.origin })}</p>
                  {/* A server that does not allow this app's origin reads, to the browser, as one out of reach. */}
                  {state.origin !== location.origin ? <p>{t('allowOrigin', { origin: location.origin })}</p> : null}
                </>
              ) : (
                <p>{errorMessage(state.error)}</p>
              )}
            </div>
          ) : null}
        </form>
      )}
    </section>
  );
}
