import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Config, ConfigError, ConfigSchema, helpText, loadConfig } from '../../server/src/config';

const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => loadConfig(argv, env) as Config;

/** Every option name, from the schema itself, so an option added later is checked too. */
const OPTION_NAMES = Object.keys(ConfigSchema.shape);

function envName(option: string): string {
  return `MEDITRON_${option.toUpperCase().replace(/-/g, '_')}`;
}

describe('loadConfig', () => {
  it('has defaults that start a server with no flag at all', () => {
    expect(load([])).toEqual({
      dataDir: resolve('clinic-data'),
      host: '0.0.0.0',
      port: 8443,
      httpPort: 8080,
      modelPath: undefined,
      upstreamUrl: undefined,
      upstreamKey: undefined,
      apiKey: undefined,
      modelsDir: resolve('clinic-data', 'models'),
      certFile: undefined,
      keyFile: undefined,
      promptProfile: undefined,
      threads: undefined,
      parallel: 2,
      queueLimit: 256,
      timeoutMs: 600_000,
      staticDir: resolve('dist'),
      logLevel: 'info',
    });
  });

  it('takes environment variables over defaults, and flags over both', () => {
    const env = { MEDITRON_PORT: '9443', MEDITRON_PARALLEL: '4', MEDITRON_DATA: '/srv/clinic', MEDITRON_LOG_LEVEL: 'warn' };
    expect(load([], env)).toMatchObject({
      port: 9443,
      parallel: 4,
      dataDir: '/srv/clinic',
      modelsDir: '/srv/clinic/models',
      logLevel: 'warn',
    });
    expect(load(['--port', '10443', '--parallel', '8'], env)).toMatchObject({ port: 10443, parallel: 8, dataDir: '/srv/clinic' });
    expect(load(['--threads', '3'], { MEDITRON_THREADS: '6' })).toMatchObject({ threads: 3 });
    expect(load(['--prompt-profile', 'completion'])).toMatchObject({ promptProfile: 'completion' });
  });

  it('resolves paths and normalizes the upstream URL', () => {
    const config = load(['--upstream', 'http://gpu-box:8000/v1/', '--timeout-s', '30', '--cert', 'c.pem', '--key', 'k.pem']);
    expect(config.upstreamUrl).toBe('http://gpu-box:8000/v1');
    expect(config.timeoutMs).toBe(30_000);
    expect(config.certFile).toBe(resolve('c.pem'));
    expect(config.keyFile).toBe(resolve('k.pem'));
  });

  it.each([
    [['--port', '70000'], '--port'],
    [['--http-port', 'eighty'], '--http-port'],
    [['--model', 'm.gguf', '--upstream', 'http://gpu-box:8000/v1'], '--model'],
    [['--cert', 'c.pem'], '--cert'],
    [['--key', 'k.pem'], '--cert'],
    [['--api-key', 'short'], '--api-key'],
    [['--upstream', 'ftp://gpu-box/'], '--upstream'],
    [['--parallel', '0'], '--parallel'],
    [['--threads', 'all'], '--threads'],
    [['--prompt-profile', 'instruct'], '--prompt-profile'],
    [['--log-level', 'loud'], '--log-level'],
  ])('refuses %j, naming %s', (argv, option) => {
    expect(() => load(argv)).toThrow(ConfigError);
    expect(() => load(argv)).toThrow(new RegExp(`${option}\\b`));
  });

  it('refuses a bad value from the environment too', () => {
    expect(() => load([], { MEDITRON_PORT: '-1' })).toThrow(/--port/);
  });

  it('refuses an unknown flag', () => {
    expect(() => load(['--prot', '8443'])).toThrow(/--prot/);
  });

  it('answers --help', () => {
    expect(loadConfig(['--help'], {})).toBe('help');
    expect(loadConfig(['-h'], {})).toBe('help');
  });
});

describe('helpText', () => {
  it('lists every option with its environment variable', () => {
    const text = helpText();
    expect(OPTION_NAMES.length).toBeGreaterThan(10);
    for (const option of OPTION_NAMES) {
      expect(text).toMatch(new RegExp(`--${option}\\s+${envName(option)}\\s`));
    }
  });
});
