import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../i18n/format-bytes';
import type { Capabilities } from '../../models/capabilities';

/** What this tablet offers a model: the capability report. */
export function DeviceReport({ capabilities }: { capabilities: Capabilities | undefined }) {
  const { t, i18n } = useTranslation('models');
  if (!capabilities) return null;
  const bytes = (n: number | undefined) => (n === undefined ? t('unknown') : formatBytes(n, i18n.language));
  const { webgpu } = capabilities;
  const gpuBuffer = webgpu.available ? bytes(webgpu.maxStorageBufferBindingSize) : undefined;
  return (
    <section aria-labelledby="device-heading">
      <h2 id="device-heading">{t('device')}</h2>
      <dl className="device-report">
        <dt>{t('webgpu')}</dt>
        <dd data-testid="webgpu">
          {webgpu.available ? t('webgpuYes', { adapter: webgpu.description || webgpu.vendor || '—' }) : t('webgpuNo')}
        </dd>
        {webgpu.available ? (
          <>
            <dt>{t('shaderF16')}</dt>
            <dd data-testid="shader-f16">{webgpu.shaderF16 ? t('yes') : t('no')}</dd>
            <dt>{t('gpuBuffer')}</dt>
            <dd>{webgpu.lowResource ? t('lowResource', { size: gpuBuffer }) : gpuBuffer}</dd>
          </>
        ) : null}
        <dt>{t('threads')}</dt>
        <dd data-testid="threads">
          {capabilities.crossOriginIsolated ? t('threadsIsolated', { count: Math.max(1, capabilities.cores - 1) }) : t('threadsSingle')}
        </dd>
        <dt>{t('memory')}</dt>
        <dd>{bytes(capabilities.memoryBytes)}</dd>
        <dt>{t('storage')}</dt>
        <dd>{t('storageUse', { used: bytes(capabilities.usedStorageBytes), free: bytes(capabilities.freeStorageBytes) })}</dd>
      </dl>
    </section>
  );
}
