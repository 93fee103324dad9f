// Writes the demo pack that the app installs on first start, from the topic files in content/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemoPack } from './demo-pack';

const out = join(dirname(fileURLToPath(import.meta.url)), '../public/packs/demo.pack.jsonl');
const text = buildDemoPack();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, text);
console.log(`demo pack: ${text.trimEnd().split('\n').length - 1} excerpts -> ${out}`);
