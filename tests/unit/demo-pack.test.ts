import { describe, expect, it } from 'vitest';
import { buildDemoPack } from '../../scripts/demo-pack';
import { readPack } from '../../src/core/pack/pack-reader';

const TOPICS = [
  /malaria/i,
  /diarrh/i,
  /cholera/i,
  /pneumonia/i,
  /malnutrition/i,
  /measles/i,
  /neonatal|newborn/i,
  /postpartum/i,
  /eclampsia/i,
  /hiv/i,
  /tuberculosis/i,
  /snakebite/i,
  /burn/i,
  /wound/i,
  /triage/i,
  /psychological first aid/i,
];

describe('the demo pack', () => {
  it('is a valid pack marked as demo content, with at least 120 excerpts', async () => {
    const { manifest, excerpts } = await readPack([buildDemoPack()]);
    expect(manifest.demo).toBe(true);
    expect(excerpts.length).toBeGreaterThanOrEqual(120);
  });

  it('covers every humanitarian priority', async () => {
    const { excerpts } = await readPack([buildDemoPack()]);
    const titles = [...new Set(excerpts.map((e) => e.docTitle))].join(' | ');
    for (const topic of TOPICS) expect(titles, String(topic)).toMatch(topic);
  });

  it('cites the public guideline behind every excerpt: publisher, title, year and URL', async () => {
    const { manifest, excerpts } = await readPack([buildDemoPack()]);
    const sources = new Set(manifest.sources.map((s) => s.name));
    for (const e of excerpts) {
      expect(sources.has(e.source), e.id).toBe(true);
      expect(e.url, e.id).toMatch(/^https:\/\//);
      expect(e.citation, e.id).toMatch(/\b(19|20)\d{2}\b/);
    }
  });
});
