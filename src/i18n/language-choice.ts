import { LANGUAGES } from './languages';

const CHOSEN_KEY = 'languageChosen';

/** Remembers that the user chose the UI language (in the picker, or by a `?lang=` link). */
function markChosen(code: string): void {
  try {
    localStorage.setItem(CHOSEN_KEY, code);
  } catch {
    // Private mode: the choice lasts for this session.
  }
}

/** The user's own choice: it wins over the clinic's default language from then on. */
export function chooseLanguage(i18n: { changeLanguage(code: string): Promise<unknown> }, code: string): Promise<unknown> {
  markChosen(code);
  return i18n.changeLanguage(code);
}

/** A link that names the language (`?lang=ar`) is a choice too: the clinic's default must not undo it. */
export function rememberLinkLanguage(search: string): void {
  const code = new URLSearchParams(search).get('lang');
  if (code && LANGUAGES.some((l) => code.startsWith(l.code))) markChosen(code);
}

/** The clinic's default language applies until the user picks one on this tablet. */
export function applyClinicLanguage(
  i18n: { resolvedLanguage?: string; changeLanguage(code: string): Promise<unknown> },
  code: string,
): void {
  let chosen: string | null = null;
  try {
    chosen = localStorage.getItem(CHOSEN_KEY);
  } catch {
    // No storage: nothing was chosen that could be remembered.
  }
  if (!chosen && LANGUAGES.some((l) => l.code === code) && i18n.resolvedLanguage !== code) void i18n.changeLanguage(code);
}
