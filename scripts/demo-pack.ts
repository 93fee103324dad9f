import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentHash, writePack } from '../src/core/pack/pack-reader';
import {
  type Excerpt,
  ExcerptSchema,
  PACK_FORMAT,
  PACK_FORMAT_VERSION,
  type PackManifest,
  PackSourceSchema,
} from '../src/core/pack/pack-schema';
import { stableId } from '../src/core/util/sha256';

/** A topic file in content/demo-pack: one document, its citation, and excerpts by section. */
interface TopicFile {
  docId: string;
  docTitle: string;
  source: string;
  url?: string;
  citation: string;
  sections: { section: string; excerpts: string[] }[];
}

export const DEMO_PACK_VERSION = '1.0.0';
const contentDir = join(dirname(fileURLToPath(import.meta.url)), '../content/demo-pack');

/** Reads the topic files and returns the demo pack file's text. */
export function buildDemoPack(dir = contentDir): string {
  const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const sources = PackSourceSchema.array().parse(read('sources.json'));
  const topics: TopicFile[] = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'sources.json')
    .sort()
    .map(read);

  const excerpts: Excerpt[] = topics.flatMap((topic) =>
    topic.sections.flatMap(({ section, excerpts: texts }) =>
      texts.map((text, i) =>
        // Ids from document, section and position: editing a text keeps its id, so updates are deltas.
        ExcerptSchema.parse({
          id: `demo.${topic.docId}.${stableId(section.toLowerCase())}.${i}`,
          docId: topic.docId,
          docTitle: topic.docTitle,
          section,
          text,
          source: topic.source,
          url: topic.url,
          language: 'en',
          citation: topic.citation,
        }),
      ),
    ),
  );

  const manifest: PackManifest = {
    format: PACK_FORMAT,
    formatVersion: PACK_FORMAT_VERSION,
    id: 'demo',
    title: 'Humanitarian essentials (demo)',
    version: DEMO_PACK_VERSION,
    language: 'en',
    publisher: 'Meditron Field project',
    licence: 'CC BY 4.0',
    created: '2026-11-25',
    sources,
    excerptCount: excerpts.length,
    contentHash: contentHash(excerpts),
    demo: true,
    description: 'Summaries in the project’s own words of public WHO and MSF guidance. Demo content: not for clinical use.',
  };
  return writePack(manifest, excerpts);
}
