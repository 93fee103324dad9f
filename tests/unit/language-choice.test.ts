import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyClinicLanguage, chooseLanguage, rememberLinkLanguage } from '../../src/i18n/language-choice';

// The page's localStorage, as a Map: the rules are what is tested, not the browser's storage.
let stored: Map<string, string>;
beforeEach(() => {
  stored = new Map();
  Object.assign(globalThis, {
    localStorage: { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v) },
  });
});
afterEach(() => {
  Reflect.deleteProperty(globalThis, 'localStorage');
});

function i18n(language: string) {
  const state = { resolvedLanguage: language, changes: [] as string[] };
  return Object.assign(state, {
    changeLanguage: async (code: string) => {
      state.changes.push(code);
      state.resolvedLanguage = code;
    },
  });
}

describe("the clinic's default language", () => {
  it('applies while the user has chosen none, the browser language notwithstanding', () => {
    const ui = i18n('en');
    applyClinicLanguage(ui, 'fr');
    expect(ui.changes).toEqual(['fr']);
    applyClinicLanguage(ui, 'fr');
    expect(ui.changes).toEqual(['fr']);
  });

  it('never overrides a language picked in the app, or given by a ?lang= link', async () => {
    const picked = i18n('en');
    await chooseLanguage(picked, 'sw');
    applyClinicLanguage(picked, 'fr');
    expect(picked.changes).toEqual(['sw']);

    stored.clear();
    rememberLinkLanguage('?lang=ar');
    const linked = i18n('ar');
    applyClinicLanguage(linked, 'fr');
    expect(linked.changes).toEqual([]);
  });

  it('ignores a language the app is not translated into, and a link without one', () => {
    rememberLinkLanguage('?q=malaria');
    const ui = i18n('en');
    applyClinicLanguage(ui, 'de');
    expect(ui.changes).toEqual([]);
    applyClinicLanguage(ui, 'pt');
    expect(ui.changes).toEqual(['pt']);
  });
});
