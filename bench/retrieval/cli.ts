import { parseArgs } from 'node:util';

export interface CliOptions {
  corpus: string;
  /** One or more JSONL files, read as one set (the cross-lingual dev set is one file a language). */
  queries: string[];
  /** Run only the first N queries (of those with a relevant article in the corpus). */
  limit?: number;
}

const USAGE = 'usage: npm run bench:retrieval -- --corpus FILE --queries FILE [--queries FILE …] [--limit N]';

export function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: { corpus: { type: 'string' }, queries: { type: 'string', multiple: true }, limit: { type: 'string' } },
    strict: true,
  });
  if (!values.corpus || !values.queries?.length) throw new Error(USAGE);
  const options: CliOptions = { corpus: values.corpus, queries: values.queries };
  if (values.limit !== undefined) {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive integer\n${USAGE}`);
    options.limit = limit;
  }
  return options;
}
