import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canFetchWebllm, fetchSourceCatalog, type ModelSource, sourceBase } from '../../api/catalog-client';
import { browserFetch } from '../../api/clinic-request';
import type { CatalogModel } from '../../core/models/catalog';
import { misfits } from '../../core/models/fit';
import { clinicConnection } from '../../db/clinic-connection';
import { library } from '../../db/library';
import type { ClinicConnection, StoredModel } from '../../db/library-db';
import { activateModel, listModels } from '../../db/model-store';
import { appEngines } from '../../engines/app-engines';
import { formatBytes } from '../../i18n/format-bytes';
import { type Capabilities, detectCapabilities, deviceProfile } from '../../models/capabilities';
import { deleteModel } from '../../models/model-downloads';
import { DeviceReport } from './DeviceReport';
import { DownloadStatus } from './DownloadStatus';
import { type DownloadState, startDownload, useDownloads } from './model-downloads-store';

type CatalogState = { status: 'loading' } | { status: 'no-clinic' } | { status: 'offline' } | { status: 'loaded'; models: CatalogModel[] };

/** The enrolled clinic server; else the app's own host, where `npm run static:models` may have put models. */
function modelSource(connection: ClinicConnection | undefined): ModelSource {
  return connection ? { kind: 'clinic', connection } : { kind: 'app', base: new URL('.', location.href).href };
}

/** The model manager: what this tablet can run, the models on it, and those its model source offers. */
export function ModelsScreen() {
  const { t } = useTranslation('models');
  const { db } = library();
  const connection = useLiveQuery(() => clinicConnection(db), []);
  const installed = useLiveQuery(() => listModels(db), []);
  const [capabilities, setCapabilities] = useState<Capabilities>();
  const [catalog, setCatalog] = useState<CatalogState>({ status: 'loading' });
  const downloads = useDownloads();

  const refreshDevice = useCallback(() => void detectCapabilities().then(setCapabilities), []);
  useEffect(refreshDevice, [refreshDevice]);

  const refreshCatalog = useCallback(async () => {
    const current = modelSource(await clinicConnection(db));
    setCatalog({ status: 'loading' });
    const result = await fetchSourceCatalog(current, { fetch: browserFetch, timeoutMs: 15_000 });
    // Beside the app, no catalog (or an empty one) just means models come from a clinic server.
    const none = current.kind === 'app' && (result.kind === 'catalog' ? result.models.length === 0 : result.status !== undefined);
    if (none) setCatalog({ status: 'no-clinic' });
    else setCatalog(result.kind === 'catalog' ? { status: 'loaded', models: result.models } : { status: 'offline' });
  }, [db]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: asked again when the tablet enrolls
  useEffect(() => void refreshCatalog(), [connection?.deviceId]);

  const source = modelSource(connection);
  const download = (model: CatalogModel) => startDownload(model, source, refreshDevice);
  const fromApp = source.kind === 'app';

  return (
    <section className="models" aria-labelledby="models-heading">
      <h1 id="models-heading">{t('heading')}</h1>
      <p>{t('intro')}</p>
      <DeviceReport capabilities={capabilities} />
      <section aria-labelledby="installed-heading">
        <h2 id="installed-heading">{t('installed')}</h2>
        {installed && installed.length === 0 ? <p className="empty">{t('noneInstalled')}</p> : null}
        <ul className="model-list">
          {installed?.map((model) => (
            <InstalledModel
              key={model.id}
              model={model}
              state={downloads.get(model.id)}
              onResume={() => download(model.catalog)}
              canResume={model.origin === sourceBase(source)}
            />
          ))}
        </ul>
      </section>
      <section aria-labelledby="catalog-heading">
        <h2 id="catalog-heading">{t(fromApp ? 'catalogApp' : 'catalog')}</h2>
        {catalog.status === 'no-clinic' ? <p className="hint">{t('catalogNeedsClinic')}</p> : null}
        {catalog.status === 'offline' ? (
          <p className="notice notice-warning">{t(fromApp ? 'catalogAppOffline' : 'catalogOffline')}</p>
        ) : null}
        {catalog.status === 'loaded' && catalog.models.length === 0 ? <p className="empty">{t('catalogEmpty')}</p> : null}
        {catalog.status === 'loaded' ? (
          <ul className="model-list">
            {catalog.models.map((model) => {
              const here = installed?.find((m) => m.id === model.id);
              const reasons = capabilities ? misfits(model, deviceProfile(capabilities), here !== undefined) : [];
              const reachable = model.kind !== 'webllm' || canFetchWebllm(source, location.origin);
              return (
                <li key={model.id} className="model-card">
                  <h3>{model.id}</h3>
                  <ModelMeta model={model} />
                  {reasons.length === 0 ? (
                    <p className="fit">{t('fits')}</p>
                  ) : (
                    <div className="misfit">
                      <p>{t('doesNotFit')}</p>
                      <ul>
                        {reasons.map((r) => (
                          <li key={r}>{t(`misfit.${r}`)}</li>
                        ))}
                      </ul>
                    </div>
                  )}
                  {/* Once a download starts, the model is on this tablet: its progress shows there. */}
                  {here ? null : <DownloadStatus name={model.id} state={downloads.get(model.id)} />}
                  {here?.state === 'ready' ? (
                    <p className="hint">{t('downloaded')}</p>
                  ) : !reachable ? (
                    <p className="hint">{t('webllmOtherOrigin', { origin: sourceBase(source) })}</p>
                  ) : downloads.get(model.id)?.status === 'downloading' ? null : (
                    <button type="button" className="button" disabled={reasons.length > 0} onClick={() => download(model)}>
                      {t('download', { name: model.id })}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        ) : null}
        {catalog.status !== 'no-clinic' ? (
          <button type="button" className="button button-secondary" onClick={() => void refreshCatalog()}>
            {t('refresh')}
          </button>
        ) : null}
      </section>
    </section>
  );
}

function ModelMeta({ model }: { model: CatalogModel }) {
  const { t, i18n } = useTranslation('models');
  return (
    <p className="hint">
      {t('modelMeta', {
        kind: t(`kinds.${model.kind}`),
        size: formatBytes(model.totalBytes, i18n.language),
        memory: formatBytes(model.requirements.memoryBytes, i18n.language),
        tokens: new Intl.NumberFormat(i18n.language).format(model.requirements.contextTokens),
      })}
    </p>
  );
}

interface InstalledModelProps {
  model: StoredModel;
  state: DownloadState | undefined;
  onResume: () => void;
  canResume: boolean;
}

function InstalledModel({ model, state, onResume, canResume }: InstalledModelProps) {
  const { t } = useTranslation('models');
  const failure = appEngines().onDevice.failure(model.id);
  const remove = async () => {
    if (!confirm(t('confirmDelete'))) return;
    await appEngines().onDevice.forget(model.id);
    await deleteModel(library().db, model);
  };
  return (
    <li className="model-card" data-model={model.id}>
      <h3>{model.id}</h3>
      <ModelMeta model={model.catalog} />
      {model.state === 'ready' && model.active ? <p className="notice notice-success">{t('active')}</p> : null}
      {failure ? (
        <p className="notice notice-error" role="alert">
          {t('failedHere', { reason: t(`errors.${failure.kind}`) })}
        </p>
      ) : null}
      <DownloadStatus name={model.id} state={state} />
      <div className="model-actions">
        {model.state === 'ready' && !model.active ? (
          <button type="button" className="button" onClick={() => void activateModel(library().db, model.id)}>
            {t('activate', { name: model.id })}
          </button>
        ) : null}
        {model.state === 'partial' && state?.status !== 'downloading' ? (
          <button type="button" className="button" disabled={!canResume} onClick={onResume}>
            {t('resume', { name: model.id })}
          </button>
        ) : null}
        {state?.status !== 'downloading' ? (
          <button type="button" className="button button-secondary" onClick={() => void remove()}>
            {t('delete', { name: model.id })}
          </button>
        ) : null}
      </div>
    </li>
  );
}
