import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { URL } from 'node:url';
import QRCode from 'qrcode';
import type { Config } from './config';
import type { InferenceEngine } from './inference/engine';
import { httpsUrl, urlAddresses, urlHost } from './tls/lan-addresses';

export interface BannerOptions {
  config: Config;
  /** Never printed: the banner only says where it is kept, since terminals get photographed and shared. */
  adminToken: string;
  engine: InferenceEngine | null;
}

/** What the admin needs at start: where tablets connect, how they trust the server, what answers. */
export async function printBanner({ config, engine }: BannerOptions): Promise<void> {
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const hosts = wildcard ? urlAddresses().map((a) => a.address) : [config.host];
  if (hosts.length === 0) hosts.push('localhost');
  const setupUrls = hosts.map((host) => `http://${urlHost(host)}:${config.httpPort}/setup`);
  const lines = [
    '',
    'Meditron Field clinic server is running.',
    '',
    ...hosts.map((host, i) => `${i === 0 ? '  App (HTTPS):    ' : '                  '}${httpsUrl(host, config.port)}`),
    ...setupUrls.map((url, i) => `${i === 0 ? '  Tablet setup:   ' : '                  '}${url}`),
    '',
    `  Scan on a tablet to install the clinic certificate (${setupUrls[0]}):`,
    await QRCode.toString(setupUrls[0]!, { type: 'terminal', small: true }),
    `  Data:           ${config.dataDir}`,
    `  Answers:        ${engineLine(config, engine)}`,
    `  Admin token:    in ${join(config.dataDir, 'admin-token')} (npm run admin -- admin-token prints it)`,
    '  Enroll tablet:  npm run admin -- enroll',
    ...(existsSync(join(config.staticDir, 'index.html')) ? [] : [`  App:            NOT BUILT in ${config.staticDir}: run npm run build`]),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function engineLine(config: Config, engine: InferenceEngine | null): string {
  if (!engine) return 'no model: questions are queued; start with --model FILE.gguf or --upstream URL';
  if (config.modelPath) return `llama.cpp with ${config.modelPath}`;
  // The URL may carry credentials; only where it points is useful here.
  const upstream = new URL(config.upstreamUrl!);
  return `upstream server ${upstream.origin}${upstream.pathname}`;
}
