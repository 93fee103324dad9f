/**
 * Danger-sign triage from the command line: `npm run -s triage -- --file questions.jsonl` (or `--file -`,
 * or no file, for stdin). Each input line is a JSON object {"text": …, "lang"?: …}; each output line is
 * {"urgent": …, "signs": […]} for the line at the same position. A blank or invalid line gets an
 * "error" field instead of being skipped, so positions always match. Nothing else goes to stdout.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { assessUrgency } from '../src/core/triage/match';

interface Output {
  urgent: boolean;
  signs: string[];
  error?: string;
}

function fileArgument(args: string[]): string {
  const at = args.findIndex((a) => a === '--file' || a.startsWith('--file='));
  if (at === -1) return '-';
  const arg = args[at]!;
  return arg.includes('=') ? arg.slice('--file='.length) : (args[at + 1] ?? '-');
}

function assessLine(line: string): Output {
  if (line.trim() === '') return { urgent: false, signs: [], error: 'empty line' };
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return { urgent: false, signs: [], error: 'invalid JSON' };
  }
  const { text, lang } = (input ?? {}) as { text?: unknown; lang?: unknown };
  if (typeof input !== 'object' || Array.isArray(input) || typeof text !== 'string') {
    return { urgent: false, signs: [], error: 'expected an object with a "text" string' };
  }
  return assessUrgency(text, typeof lang === 'string' ? lang : undefined);
}

async function main(): Promise<void> {
  const file = fileArgument(process.argv.slice(2));
  const input = file === '-' ? process.stdin : createReadStream(file, 'utf8');
  input.on('error', (error: Error) => {
    console.error(`triage: cannot read ${file}: ${error.message}`);
    process.exit(1);
  });
  let first = true;
  for await (const raw of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    // A byte-order mark at the start of the file is not part of the first object.
    const line = first ? raw.replace(/^\uFEFF/, '') : raw;
    first = false;
    process.stdout.write(`${JSON.stringify(assessLine(line))}\n`);
  }
}

await main();
