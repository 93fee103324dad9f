import i18next, { type BackendModule } from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { rememberLinkLanguage } from './language-choice';
import { directionOf, LANGUAGES, NAMESPACES } from './languages';
import { en } from './resources-en';

// English ships in the entry bundle as the fallback; other languages load on demand, and the
// service worker precaches their chunks so switching works offline.
const lazyLocales = import.meta.glob<{ default: Record<string, string> }>(['/locales/*/*.json', '!/locales/en/*.json']);

const lazyBackend: BackendModule = {
  type: 'backend',
  init() {},
  read(language, namespace, callback) {
    const load = lazyLocales[`/locales/${language}/${namespace}.json`];
    if (!load) return callback(null, {});
    load().then(
      (module) => callback(null, module.default),
      (error: Error) => callback(error, null),
    );
  },
};

export async function initI18n(): Promise<typeof i18next> {
  i18next.on('languageChanged', (language) => {
    document.documentElement.lang = language;
    document.documentElement.dir = directionOf(language);
  });
  await i18next
    .use(lazyBackend)
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources: { en },
      partialBundledLanguages: true,
      fallbackLng: 'en',
      supportedLngs: LANGUAGES.map((l) => l.code),
      nonExplicitSupportedLngs: true,
      load: 'languageOnly',
      ns: [...NAMESPACES],
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      detection: {
        order: ['querystring', 'localStorage', 'navigator'],
        lookupQuerystring: 'lang',
        caches: ['localStorage'],
        lookupLocalStorage: 'language',
      },
    });
  rememberLinkLanguage(location.search);
  return i18next;
}
