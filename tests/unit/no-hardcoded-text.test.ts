import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseSync } from 'rolldown/utils';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;
/** Attributes a person reads or hears. */
const VISIBLE_ATTRIBUTES = new Set(['aria-label', 'placeholder', 'title', 'alt', 'label', 'aria-valuetext']);

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsxFiles(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : [],
  );
}

/** Words written straight into JSX, found in the syntax tree: text between tags and literal visible attributes. */
function hardCodedText(source: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; value?: unknown; name?: { name?: unknown } };
    if (n.type === 'JSXText' && /\p{L}{2,}/u.test(String(n.value))) found.push(String(n.value).trim());
    if (n.type === 'JSXAttribute' && VISIBLE_ATTRIBUTES.has(String(n.name?.name))) {
      const value = n.value as { type?: string; value?: unknown } | null;
      if (value?.type === 'Literal' && /\p{L}{2,}/u.test(String(value.value))) found.push(`${n.name?.name}="${value.value}"`);
    }
    for (const child of Object.values(node)) if (child && typeof child === 'object') visit(child);
  };
  visit(parseSync('component.tsx', source).program);
  return found;
}

describe('visible text', () => {
  it('comes from the locale files, never written into components', () => {
    const offenders = tsxFiles(SRC).flatMap((file) =>
      hardCodedText(readFileSync(file, 'utf8')).map((text) => `${relative(SRC, file)}: ${text}`),
    );
    expect(offenders).toEqual([]);
  });

  it('would catch text and labels written into JSX', () => {
    expect(hardCodedText('const a = <p>Search the library</p>;')).toEqual(['Search the library']);
    expect(hardCodedText('const a = <input placeholder="Type here" />;')).toEqual(['placeholder="Type here"']);
    expect(hardCodedText('const a = <p className="x">{t("hint")} · </p>;')).toEqual([]);
  });
});
