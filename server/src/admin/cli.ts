import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/database';
import { ensureAdminToken } from './admin-token';
import { deviceCommands } from './devices';
import { feedbackCommands } from './feedback';
import { packCommands } from './packs';
import { publisherKeyCommands } from './publisher-keys';
import { settingsCommands } from './settings';

/** An admin command: works on the data directory directly, whether or not the server runs. */
export interface AdminCommand {
  usage: string;
  help: string;
  run(context: AdminContext, args: string[]): Promise<void> | void;
}

export interface AdminContext {
  dataDir: string;
  db: ReturnType<typeof openDatabase>;
  print(line: string): void;
}

const COMMANDS: Record<string, AdminCommand> = {
  ...deviceCommands,
  ...packCommands,
  ...publisherKeyCommands,
  ...settingsCommands,
  ...feedbackCommands,
  'admin-token': {
    usage: 'admin-token',
    help: 'print the admin token for admin API routes',
    run: ({ dataDir, print }) => print(ensureAdminToken(dataDir)),
  },
};

function usage(): string {
  return [
    'Usage: npm run admin -- [--data DIR] <command> [arguments]',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(40)} ${c.help}`),
  ].join('\n');
}

export async function runAdmin(argv: string[], print: (line: string) => void = console.log): Promise<number> {
  const { values, tokens } = parseArgs({
    args: argv,
    options: { data: { type: 'string' } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  // Everything after the command name is the command's own, its flags included.
  const first = tokens.find((t) => t.kind === 'positional');
  const name = first?.value;
  const args = first ? argv.slice(first.index + 1) : [];
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    print(usage());
    return name && name !== 'help' ? 2 : 0;
  }
  const dataDir = (values.data as string | undefined) ?? process.env.MEDITRON_DATA ?? './clinic-data';
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(join(dataDir, 'clinic.sqlite'));
  try {
    await command.run({ dataDir, db, print }, args);
    return 0;
  } catch (error) {
    print(`Error: ${(error as Error).message}`);
    return 1;
  } finally {
    db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runAdmin(process.argv.slice(2)).then((code) => process.exit(code));
}
