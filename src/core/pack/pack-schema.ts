import { z } from 'zod';
import { LEXICON_LANGUAGES, LexiconEntrySchema } from '../lang/lexicon-schema';

/** Guideline pack file: JSON Lines, the manifest on line 1 and one excerpt per following line. */
export const PACK_FORMAT = 'meditron-field-pack';
export const PACK_FORMAT_VERSION = 1;

const nonEmpty = z.string().regex(/\S/, 'must not be blank');
const languageTag = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as "en" or "pt-BR"');
const dottedVersion = z.string().regex(/^\d+(\.\d+){0,3}$/, 'a version such as "1", "2.1" or "2026.11.3"');

export const PackSourceSchema = z.object({
  /** Short name excerpts use in their `source` field, e.g. "WHO". */
  name: nonEmpty,
  publisher: nonEmpty,
  title: nonEmpty,
  year: z.number().int().min(1900).max(2100).optional(),
  url: z.url().optional(),
});

export const PackManifestSchema = z.object({
  format: z.literal(PACK_FORMAT),
  formatVersion: z.literal(PACK_FORMAT_VERSION),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, 'lower-case letters, digits, ".", "_" or "-"'),
  title: nonEmpty,
  version: dottedVersion,
  language: languageTag,
  publisher: nonEmpty,
  licence: nonEmpty,
  created: z.iso.datetime({ offset: true }).or(z.iso.date()),
  sources: z.array(PackSourceSchema).min(1),
  excerptCount: z.number().int().min(1),
  /** "sha256-" + hex digest of the canonical excerpt lines (see contentHash). */
  contentHash: z.string().regex(/^sha256-[0-9a-f]{64}$/),
  /** Demo content is shown with a "not for clinical use" notice. */
  demo: z.boolean().optional(),
  description: z.string().optional(),
  /**
   * Words the pack's own excerpts use that the app's lexicons lack (local drug names, programme terms), for
   * questions asked in those languages: installed and removed with the pack, covered by its signature.
   */
  lexicon: z.array(z.object({ language: z.enum(LEXICON_LANGUAGES), entries: z.array(LexiconEntrySchema).min(1) })).optional(),
});

export const ExcerptSchema = z.object({
  /** Stable across re-imports of the same source: derived from the document and its section. */
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,120}$/),
  docId: nonEmpty,
  docTitle: nonEmpty,
  section: nonEmpty,
  text: nonEmpty.max(8000),
  /** A `name` from the manifest's sources. */
  source: nonEmpty,
  url: z.url().optional(),
  language: languageTag,
  /** Human-readable citation of the guideline the excerpt summarizes. */
  citation: z.string().optional(),
});

export type PackSource = z.infer<typeof PackSourceSchema>;
export type PackManifest = z.infer<typeof PackManifestSchema>;
export type Excerpt = z.infer<typeof ExcerptSchema>;

/** Canonical serialization: fixed key order, so the hash does not depend on who wrote the file. */
export function canonicalExcerptLine(e: Excerpt): string {
  return JSON.stringify({
    id: e.id,
    docId: e.docId,
    docTitle: e.docTitle,
    section: e.section,
    text: e.text,
    source: e.source,
    url: e.url,
    language: e.language,
    citation: e.citation,
  });
}
