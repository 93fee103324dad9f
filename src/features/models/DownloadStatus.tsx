import { useTranslation } from 'react-i18next';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes } from '../../i18n/format-bytes';
import type { DownloadState } from './model-downloads-store';

/** A download's progress bar and cancel button, or how it ended. */
export function DownloadStatus({ name, state }: { name: string; state: DownloadState | undefined }) {
  const { t, i18n } = useTranslation('models');
  if (!state) return null;
  if (state.status === 'done') {
    return (
      <p className="notice notice-success" role="status">
        {t('downloadDone', { name })}
      </p>
    );
  }
  if (state.status === 'failed') {
    return (
      <p className="notice notice-error" role="alert">
        {t('downloadFailed', { name, reason: t(`errors.${state.kind}`) })}
      </p>
    );
  }
  const { loadedBytes, totalBytes } = state.progress;
  return (
    <div className="download">
      <ProgressBar
        label={t('downloading', { name })}
        value={totalBytes > 0 ? loadedBytes / totalBytes : null}
        status={t('progress', { loaded: formatBytes(loadedBytes, i18n.language), total: formatBytes(totalBytes, i18n.language) })}
      />
      <button type="button" className="button button-secondary" onClick={state.cancel}>
        {t('cancel')}
      </button>
    </div>
  );
}
