import { resolve } from 'node:path';
import { URL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PROMPT_PROFILES, type PromptProfile } from '../../src/core/prompt/prompt-target';

/** Every option, as a flag and as an environment variable; `--help` prints this table. */
const OPTIONS = {
  data: { env: 'MEDITRON_DATA', help: 'data directory: database, certificates, packs', default: './clinic-data' },
  host: { env: 'MEDITRON_HOST', help: 'address to listen on', default: '0.0.0.0' },
  port: { env: 'MEDITRON_PORT', help: 'HTTPS port (app and API)', default: '8443' },
  'http-port': { env: 'MEDITRON_HTTP_PORT', help: 'plain HTTP port: redirect and certificate setup page', default: '8080' },
  model: { env: 'MEDITRON_MODEL', help: 'GGUF model file run by embedded llama.cpp' },
  upstream: { env: 'MEDITRON_UPSTREAM', help: 'OpenAI-compatible server to answer with instead (vLLM, Ollama, llama.cpp-server)' },
  'upstream-key': { env: 'MEDITRON_UPSTREAM_KEY', help: 'bearer key for the upstream server' },
  'upstream-ca': { env: 'MEDITRON_UPSTREAM_CA', help: "CA certificate (PEM) the upstream server's certificate chains to, if not public" },
  'api-key': { env: 'MEDITRON_API_KEY', help: 'static bearer key accepted on /v1 routes, for scripts and other servers' },
  'models-dir': { env: 'MEDITRON_MODELS_DIR', help: 'directory of model files mirrored to tablets (default: DATA/models)' },
  cert: { env: 'MEDITRON_CERT', help: 'TLS certificate (PEM); default: a local CA and certificate made once in DATA/tls' },
  key: { env: 'MEDITRON_KEY', help: 'TLS private key (PEM) for --cert' },
  'prompt-profile': {
    env: 'MEDITRON_PROMPT_PROFILE',
    help: 'how tablets prompt the model: chat, completion (base models) or auto (chat if it has a chat template)',
    default: 'auto',
  },
  threads: { env: 'MEDITRON_THREADS', help: 'CPU threads for embedded llama.cpp (default: cores less one)' },
  parallel: { env: 'MEDITRON_PARALLEL', help: 'answers generated at once; more wait in a queue', default: '2' },
  'queue-limit': { env: 'MEDITRON_QUEUE_LIMIT', help: 'requests allowed to wait for a free slot before 503', default: '256' },
  'timeout-s': { env: 'MEDITRON_TIMEOUT_S', help: 'seconds one answer may take', default: '600' },
  'sync-push-bytes': { env: 'MEDITRON_SYNC_PUSH_BYTES', help: 'largest sync push a tablet may send, in bytes (default 1 MiB)' },
  'static-dir': { env: 'MEDITRON_STATIC_DIR', help: 'built app to serve (default: dist/)' },
  'allow-origin': {
    env: 'MEDITRON_ALLOW_ORIGIN',
    help: 'another origin whose app may call this server (CORS), e.g. https://trainer.example; repeatable; the variable takes a comma-separated list',
    multiple: true,
  },
  'log-level': { env: 'MEDITRON_LOG_LEVEL', help: 'fatal, error, warn, info, debug', default: 'info' },
} as const;

type OptionName = keyof typeof OPTIONS;

const port = z.coerce.number().int().min(0).max(65535);
const positive = z.coerce.number().int().min(1);
const url = z.url({ protocol: /^https?$/ });
/** A bare origin as browsers send it in `Origin` (scheme, host, port); a trailing slash is forgiven. */
const origin = z.string().transform((value, context) => {
  const parsed = URL.canParse(value) ? new URL(value) : null;
  if (parsed && /^https?:$/.test(parsed.protocol) && parsed.pathname === '/' && !parsed.search && !parsed.hash && !parsed.username) {
    return parsed.origin;
  }
  context.addIssue({ code: 'custom', message: `"${value}" is not an origin such as https://trainer.example (no path)` });
  return z.NEVER;
});

export const ConfigSchema = z
  .object({
    data: z.string().min(1),
    host: z.string().min(1),
    port,
    'http-port': port,
    model: z.string().optional(),
    upstream: url.optional(),
    'upstream-key': z.string().optional(),
    'upstream-ca': z.string().optional(),
    'api-key': z.string().min(16, 'use at least 16 characters').optional(),
    'models-dir': z.string().optional(),
    cert: z.string().optional(),
    key: z.string().optional(),
    'prompt-profile': z.enum(['auto', ...PROMPT_PROFILES]),
    threads: positive.max(256).optional(),
    parallel: positive.max(64),
    'queue-limit': positive,
    'timeout-s': positive,
    'sync-push-bytes': positive.optional(),
    'static-dir': z.string().optional(),
    'allow-origin': z.array(origin).optional(),
    'log-level': z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  })
  .refine((c) => !(c.model && c.upstream), { message: 'use either --model or --upstream, not both', path: ['model'] })
  .refine((c) => !c.cert === !c.key, { message: '--cert and --key go together', path: ['cert'] });

export interface Config {
  dataDir: string;
  host: string;
  port: number;
  httpPort: number;
  modelPath?: string;
  upstreamUrl?: string;
  upstreamKey?: string;
  upstreamCaFile?: string;
  apiKey?: string;
  modelsDir: string;
  certFile?: string;
  keyFile?: string;
  /** Undefined: as the model says (auto). */
  promptProfile?: PromptProfile;
  threads?: number;
  parallel: number;
  queueLimit: number;
  timeoutMs: number;
  /** Body limit of a sync push (413 above it); undefined: DEFAULT_SYNC_PUSH_BYTES. */
  syncPushBytes?: number;
  staticDir: string;
  /** Origins of the app hosted elsewhere that may call the device API (CORS); undefined: none. */
  allowOrigins?: string[];
  logLevel: string;
}

export const DEFAULT_SYNC_PUSH_BYTES = 1024 * 1024;

export class ConfigError extends Error {}

/** Flags win over environment variables, which win over defaults; a bad value stops start-up. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Config | 'help' {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.entries(OPTIONS).map(([name, o]) => [name, { type: 'string' as const, multiple: 'multiple' in o }])),
      },
      strict: true,
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. See --help.`);
  }
  if (values.help) return 'help';
  const raw = Object.fromEntries(
    (Object.keys(OPTIONS) as OptionName[]).map((name) => {
      const option: { env: string; default?: string; multiple?: boolean } = OPTIONS[name];
      const fromEnv = option.multiple
        ? env[option.env]
            ?.split(',')
            .map((v) => v.trim())
            .filter(Boolean)
        : env[option.env];
      return [name, values[name] ?? fromEnv ?? option.default];
    }),
  );
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid option --${String(issue.path[0])}: ${issue.message}. See --help.`);
  }
  const c = parsed.data;
  const dataDir = resolve(c.data);
  return {
    dataDir,
    host: c.host,
    port: c.port,
    httpPort: c['http-port'],
    modelPath: c.model && resolve(c.model),
    upstreamUrl: c.upstream?.replace(/\/+$/, ''),
    upstreamKey: c['upstream-key'],
    upstreamCaFile: c['upstream-ca'] && resolve(c['upstream-ca']),
    apiKey: c['api-key'],
    modelsDir: resolve(c['models-dir'] ?? `${dataDir}/models`),
    certFile: c.cert && resolve(c.cert),
    keyFile: c.key && resolve(c.key),
    promptProfile: c['prompt-profile'] === 'auto' ? undefined : c['prompt-profile'],
    threads: c.threads,
    parallel: c.parallel,
    queueLimit: c['queue-limit'],
    timeoutMs: c['timeout-s'] * 1000,
    syncPushBytes: c['sync-push-bytes'],
    staticDir: resolve(c['static-dir'] ?? 'dist'),
    allowOrigins: c['allow-origin'],
    logLevel: c['log-level'],
  };
}

export function helpText(): string {
  const rows = Object.entries(OPTIONS).map(([name, o]) => {
    const d = 'default' in o ? ` (default ${o.default})` : '';
    return `  --${name.padEnd(15)} ${o.env.padEnd(22)} ${o.help}${d}`;
  });
  return [
    'Meditron Field clinic server: serves the app over HTTPS on the local network, answers questions',
    'with a Meditron model, and distributes guideline packs and model files to tablets.',
    '',
    'Usage: npm start -- [options]        Admin: npm run admin -- help',
    '',
    '  option          environment variable   meaning',
    ...rows,
  ].join('\n');
}
