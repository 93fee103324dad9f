import i18next from 'i18next';

let unseen = 0;

/**
 * Queued questions answered in the background: the app icon's badge counts them and, where the user
 * allowed notifications, one says so. Both are best effort: browsers without them simply show nothing.
 */
export async function announceAnswers(count: number): Promise<void> {
  unseen += count;
  await navigator.setAppBadge?.(unseen).catch(() => undefined);
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.visibilityState === 'visible') return;
  const registration = await navigator.serviceWorker?.getRegistration();
  await registration?.showNotification(i18next.t('ask:answersArrived', { count }), { tag: 'answers', icon: '/icons/icon-192.png' });
}

/** The user is looking at the answers. */
export function clearAnswerBadge(): void {
  unseen = 0;
  void navigator.clearAppBadge?.().catch(() => undefined);
}
