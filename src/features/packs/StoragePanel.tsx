import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { requestPersistence, type StorageStatus, storageStatus } from '../../db/storage';
import { formatBytes } from '../../i18n/format-bytes';

export function StoragePanel({ packsCount }: { packsCount: number }) {
  const { t, i18n } = useTranslation('packs');
  const [status, setStatus] = useState<StorageStatus | null>(null);
  const [denied, setDenied] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: usage changes when packs are added or removed
  useEffect(() => {
    void storageStatus().then(setStatus);
  }, [packsCount]);

  const bytes = (n: number | null) => (n === null ? t('unknown') : formatBytes(n, i18n.language));

  const persist = async () => {
    const granted = await requestPersistence();
    setDenied(!granted);
    setStatus(await storageStatus());
  };

  return (
    <section className="storage" aria-labelledby="storage-heading">
      <h2 id="storage-heading">{t('storage')}</h2>
      <p>{status ? t('storageUse', { used: bytes(status.usedBytes), available: bytes(status.quotaBytes) }) : t('unknown')}</p>
      {status?.persisted ? (
        <p>{t('persisted')}</p>
      ) : (
        <>
          <p>{t('notPersisted')}</p>
          <button type="button" className="button button-secondary" onClick={() => void persist()}>
            {t('persist')}
          </button>
          {denied ? <p role="status">{t('persistDenied')}</p> : null}
        </>
      )}
    </section>
  );
}
