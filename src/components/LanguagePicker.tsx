import { useTranslation } from 'react-i18next';
import { chooseLanguage } from '../i18n/language-choice';
import { LANGUAGES } from '../i18n/languages';

export function LanguagePicker() {
  const { t, i18n } = useTranslation('common');
  return (
    <label className="language-picker">
      <span className="visually-hidden">{t('language')}</span>
      <select value={i18n.resolvedLanguage} onChange={(e) => void chooseLanguage(i18n, e.target.value)}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
