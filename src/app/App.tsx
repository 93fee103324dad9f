import { useLiveQuery } from 'dexie-react-hooks';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguagePicker } from '../components/LanguagePicker';
import { ProgressBar } from '../components/ProgressBar';
import type { AppErrorData } from '../core/errors/app-error';
import { library } from '../db/library';
import { recoverAfterCrash } from '../db/outbox-store';
import { clinicSettings } from '../db/sync-state';
import { ClinicScreen } from '../features/clinic/ClinicScreen';
import { DocumentScreen } from '../features/library/DocumentScreen';
import { LibraryScreen } from '../features/library/LibraryScreen';
import { ensureDemoPack } from '../features/packs/demo-pack';
import { PacksScreen } from '../features/packs/PacksScreen';
import { PwaStatus } from '../features/pwa/PwaStatus';
import { SyncScreen } from '../features/sync/SyncScreen';
import { startSync, syncClinicPacks } from '../features/sync/sync-store';
import { applyClinicLanguage } from '../i18n/language-choice';
import { useErrorMessage } from '../i18n/use-error-message';
import { clearAnswerBadge } from './answer-notice';
import { useOnline } from './use-online';
import { hrefOf, useRoute } from './use-route';

// The ask screen carries the danger-sign word lists and prompt strings: loaded when first opened
// (and precached, so it opens offline), not before the library is usable.
const AskScreen = lazy(() => import('../features/ask/AskScreen').then((m) => ({ default: m.AskScreen })));
const ModelsScreen = lazy(() => import('../features/models/ModelsScreen').then((m) => ({ default: m.ModelsScreen })));
const FeedbackScreen = lazy(() => import('../features/feedback/FeedbackScreen').then((m) => ({ default: m.FeedbackScreen })));
// The scenarios in six languages: loaded when a trainer opens trainer mode (precached, so offline too).
const TrainerScreen = lazy(() => import('../features/trainer/TrainerScreen').then((m) => ({ default: m.TrainerScreen })));

export function App() {
  const { t, i18n } = useTranslation('common');
  const route = useRoute();
  const online = useOnline();
  const errorMessage = useErrorMessage();
  const [search, setSearch] = useState({ query: '', source: '' });
  const [demo, setDemo] = useState<{ fraction: number } | { error: AppErrorData } | null>(null);

  const clinicLanguage = useLiveQuery(() => clinicSettings(library().db), [])?.defaultLanguage;
  useEffect(() => {
    if (clinicLanguage) applyClinicLanguage(i18n, clinicLanguage);
  }, [clinicLanguage, i18n]);

  useEffect(() => {
    if (route.name === 'library') setSearch({ query: route.query, source: route.source });
    if (route.name === 'ask') clearAnswerBadge();
  }, [route]);

  useEffect(() => {
    // Once per app start: whatever was in flight before is queued again, then the sync runs as the network allows.
    let stop: (() => void) | undefined;
    let active = true;
    recoverAfterCrash(library().db, { now: Date.now(), random: Math.random })
      .catch(() => 0)
      .then(() => {
        if (active) stop = startSync();
      });
    return () => {
      active = false;
      stop?.();
    };
  }, []);

  useEffect(() => {
    // Then the clinic's packs, which were cut off or refused last time: the clinic offers the demo pack too,
    // which is then already here.
    ensureDemoPack(library().db, (fraction) => setDemo({ fraction }))
      .then(
        () => setDemo(null),
        (error: AppErrorData) => setDemo({ error }),
      )
      .finally(() => void syncClinicPacks());
  }, []);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="app-header">
        <a className="brand" href={hrefOf({ name: 'library', query: '', source: '' })}>
          {t('appName')}
        </a>
        <nav aria-label={t('navigation')}>
          <a
            href={hrefOf({ name: 'library', ...search })}
            aria-current={route.name === 'library' || route.name === 'document' ? 'page' : undefined}
          >
            {t('nav.library')}
          </a>
          <a href={hrefOf({ name: 'ask' })} aria-current={route.name === 'ask' ? 'page' : undefined}>
            {t('nav.ask')}
          </a>
          <a href={hrefOf({ name: 'packs' })} aria-current={route.name === 'packs' ? 'page' : undefined}>
            {t('nav.packs')}
          </a>
          <a href={hrefOf({ name: 'models' })} aria-current={route.name === 'models' ? 'page' : undefined}>
            {t('nav.models')}
          </a>
          <a
            href={hrefOf({ name: 'trainer', scenarioId: '', present: false })}
            aria-current={route.name === 'trainer' ? 'page' : undefined}
          >
            {t('nav.trainer')}
          </a>
          <a href={hrefOf({ name: 'sync' })} aria-current={route.name === 'sync' ? 'page' : undefined}>
            {t('nav.sync')}
          </a>
          <a href={hrefOf({ name: 'clinic', code: '' })} aria-current={route.name === 'clinic' ? 'page' : undefined}>
            {t('nav.clinic')}
          </a>
        </nav>
        <span className={online ? 'connection online' : 'connection offline'} role="status">
          {online ? t('online') : t('offline')}
        </span>
        <LanguagePicker />
      </header>
      <PwaStatus />
      {demo && 'fraction' in demo ? <ProgressBar label={t('installingDemo')} value={demo.fraction} status={t('installingDemo')} /> : null}
      {demo && 'error' in demo ? (
        <p className="notice notice-error" role="alert">
          {t('demoFailed', { reason: errorMessage(demo.error) })}
        </p>
      ) : null}
      <main id="main" tabIndex={-1}>
        {route.name === 'packs' ? (
          <PacksScreen />
        ) : route.name === 'ask' ? (
          <Suspense fallback={<p className="hint">{t('loading')}</p>}>
            <AskScreen />
          </Suspense>
        ) : route.name === 'models' ? (
          <Suspense fallback={<p className="hint">{t('loading')}</p>}>
            <ModelsScreen />
          </Suspense>
        ) : route.name === 'feedback' ? (
          <Suspense fallback={<p className="hint">{t('loading')}</p>}>
            <FeedbackScreen key={route.itemIds.join('/')} itemIds={route.itemIds} />
          </Suspense>
        ) : route.name === 'trainer' ? (
          <Suspense fallback={<p className="hint">{t('loading')}</p>}>
            <TrainerScreen scenarioId={route.scenarioId} present={route.present} />
          </Suspense>
        ) : route.name === 'sync' ? (
          <SyncScreen />
        ) : route.name === 'clinic' ? (
          <ClinicScreen code={route.code} server={route.server} />
        ) : route.name === 'document' ? (
          <DocumentScreen packId={route.packId} docId={route.docId} excerptId={route.excerptId} query={route.query} />
        ) : (
          <LibraryScreen query={search.query} source={search.source} onChange={(query, source) => setSearch({ query, source })} />
        )}
      </main>
      <footer className="app-footer">
        <p>{t('researchNotice')}</p>
      </footer>
    </>
  );
}
