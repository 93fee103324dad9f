import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProgressBar } from '../../components/ProgressBar';
import { library } from '../../db/library';
import { removePack } from '../../db/pack-install';
import { useErrorMessage } from '../../i18n/use-error-message';
import { ClinicPacksPanel } from './ClinicPacksPanel';
import { rememberDemoPackRemoved } from './demo-pack';
import { StoragePanel } from './StoragePanel';
import { usePackImport } from './use-pack-import';

type FileKind = 'pack' | 'corpus';

export function PacksScreen() {
  const { t, i18n } = useTranslation('packs');
  const errorMessage = useErrorMessage();
  const packs = useLiveQuery(() => library().db.packs.toArray(), []);
  const { state, start } = usePackImport();
  const [kind, setKind] = useState<FileKind>('pack');
  const [file, setFile] = useState<File | null>(null);
  const [corpusTitle, setCorpusTitle] = useState('');
  const ids = { file: useId(), title: useId() };
  const running = state.status === 'running';
  const number = new Intl.NumberFormat(i18n.language);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) return;
    if (kind === 'pack') void start({ kind: 'pack', file });
    else {
      const title = corpusTitle.trim() || file.name.replace(/\.[^.]+$/, '');
      void start({ kind: 'corpus', file, title, packId: packIdOf(title) });
    }
  };

  const remove = async (id: string, demo: boolean) => {
    if (!confirm(t('confirmRemove'))) return;
    await removePack(library().db, id);
    if (demo) rememberDemoPackRemoved();
  };

  return (
    <section className="packs" aria-labelledby="packs-heading">
      <h1 id="packs-heading">{t('heading')}</h1>

      <h2>{t('installed')}</h2>
      {packs?.length === 0 ? <p className="empty">{t('none')}</p> : null}
      <ul className="pack-list">
        {packs?.map(({ id, manifest }) => (
          <li key={id} className="pack">
            <div>
              <p className="pack-title">
                {manifest.title} {manifest.demo ? <span className="badge">{t('demo')}</span> : null}
              </p>
              <p className="pack-meta">
                {t('packMeta', {
                  version: manifest.version,
                  count: manifest.excerptCount,
                  formattedCount: number.format(manifest.excerptCount),
                  publisher: manifest.publisher,
                  licence: manifest.licence,
                })}
              </p>
            </div>
            <button type="button" className="button button-secondary" onClick={() => void remove(id, !!manifest.demo)}>
              {t('remove', { title: manifest.title })}
            </button>
          </li>
        ))}
      </ul>

      <ClinicPacksPanel />

      <h2>{t('importHeading')}</h2>
      <form className="import-form" onSubmit={submit}>
        <fieldset disabled={running}>
          <legend>{t('fileKind')}</legend>
          <label className="radio">
            <input type="radio" name="kind" checked={kind === 'pack'} onChange={() => setKind('pack')} />
            {t('kindPack')}
          </label>
          <label className="radio">
            <input type="radio" name="kind" checked={kind === 'corpus'} onChange={() => setKind('corpus')} />
            {t('kindCorpus')}
          </label>
        </fieldset>
        <label htmlFor={ids.file}>{t('chooseFile')}</label>
        <input
          id={ids.file}
          type="file"
          accept=".jsonl,.ndjson,.json,application/x-ndjson,application/json"
          disabled={running}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        {kind === 'corpus' ? (
          <>
            <label htmlFor={ids.title}>{t('corpusTitle')}</label>
            <input id={ids.title} type="text" value={corpusTitle} disabled={running} onChange={(e) => setCorpusTitle(e.target.value)} />
          </>
        ) : null}
        <button type="submit" className="button" disabled={!file || running}>
          {t('import')}
        </button>
      </form>

      <div className="import-status">
        {state.status === 'running' ? (
          <ProgressBar label={t('importing')} value={state.fraction} status={t(`phase.${state.phase}`)} />
        ) : state.status === 'done' ? (
          <p className="notice notice-success" role="status">
            {t(`outcome.${state.outcome}`, { title: state.manifest.title, version: state.manifest.version })}
          </p>
        ) : state.status === 'failed' ? (
          <div className="notice notice-error" role="alert">
            <p>{errorMessage(state.error)}</p>
            <p>{t('unchanged')}</p>
          </div>
        ) : null}
      </div>

      <StoragePanel packsCount={packs?.length ?? 0} />
    </section>
  );
}

function packIdOf(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'corpus'
  );
}
