import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../core/errors/app-error';

/** The one place where error codes become words for the user, in their language. */
export function useErrorMessage(): (error: AppErrorData) => string {
  const { t } = useTranslation('common');
  return (error) => {
    const details = { ...error.details, message: error.message };
    return t(`errors.${error.code}`, { ...details, defaultValue: t('errors.unknown', details) });
  };
}
