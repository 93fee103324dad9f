import { useRegisterSW } from 'virtual:pwa-register/react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './pwa-status.css';

const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** Registers the service worker and offers updates; mount once, for the life of the app. */
export function PwaStatus() {
  const { t } = useTranslation('pwa');
  const [registration, setRegistration] = useState<ServiceWorkerRegistration>();
  // Only this tab's "Update now" may reload it; another tab applying the update must not.
  const updateRequested = useRef(false);
  // Another tab applied the update: this one runs old code under the new worker until its user reloads.
  const [takenOver, setTakenOver] = useState(false);
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW: (_url, r) => setRegistration(r),
    onNeedReload: () => {
      if (updateRequested.current) window.location.reload();
      else setTakenOver(true);
    },
  });

  useEffect(() => {
    if (!registration) return;
    const timer = setInterval(() => {
      // A failed check (server unreachable) just waits for the next one.
      if (navigator.onLine) registration.update().catch(() => undefined);
    }, UPDATE_CHECK_MS);
    return () => clearInterval(timer);
  }, [registration]);

  const update = () => {
    if (takenOver) {
      window.location.reload();
      return;
    }
    updateRequested.current = true;
    // Activates the waiting worker; the page reloads once it takes control (onNeedReload).
    void updateServiceWorker(true);
  };

  const later = () => {
    setNeedRefresh(false);
    setTakenOver(false);
  };

  // The live region stays mounted so screen readers announce notices as they appear.
  return (
    <div className="pwa-status" role="status" aria-live="polite">
      {needRefresh || takenOver ? (
        <div className="notice pwa-notice pwa-notice-update">
          <p>{t('updateAvailable')}</p>
          <div className="pwa-actions">
            <button type="button" className="button" onClick={update}>
              {t('updateNow')}
            </button>
            <button type="button" className="button button-secondary" onClick={later}>
              {t('later')}
            </button>
          </div>
        </div>
      ) : null}
      {offlineReady ? (
        <div className="notice notice-success pwa-notice">
          <p>{t('offlineReady')}</p>
          <button type="button" className="button button-secondary" onClick={() => setOfflineReady(false)}>
            {t('dismiss')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
