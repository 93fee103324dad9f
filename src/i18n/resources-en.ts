import ask from '../../locales/en/ask.json';
import clinic from '../../locales/en/clinic.json';
import common from '../../locales/en/common.json';
import feedback from '../../locales/en/feedback.json';
import library from '../../locales/en/library.json';
import models from '../../locales/en/models.json';
import packs from '../../locales/en/packs.json';
import pwa from '../../locales/en/pwa.json';
import signs from '../../locales/en/signs.json';
import sync from '../../locales/en/sync.json';
import trainer from '../../locales/en/trainer.json';

/** English strings: the fallback, and the source of the typed translation keys. */
export const en = { common, library, packs, pwa, clinic, ask, signs, models, sync, feedback, trainer };
