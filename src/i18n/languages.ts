/** The UI languages, each with its own name (shown in the picker) and direction. */
export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'fr', name: 'Français', dir: 'ltr' },
  { code: 'es', name: 'Español', dir: 'ltr' },
  { code: 'pt', name: 'Português', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
  { code: 'sw', name: 'Kiswahili', dir: 'ltr' },
] as const;

export type LanguageCode = (typeof LANGUAGES)[number]['code'];

export const NAMESPACES = ['common', 'library', 'packs', 'pwa', 'clinic', 'ask', 'signs', 'models', 'sync', 'feedback', 'trainer'] as const;

export function directionOf(code: string): 'ltr' | 'rtl' {
  return LANGUAGES.find((l) => code.startsWith(l.code))?.dir ?? 'ltr';
}
