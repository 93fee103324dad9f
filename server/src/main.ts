import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureAdminToken } from './admin/admin-token';
import { build, loggerOptions } from './app';
import { printBanner } from './banner';
import { ConfigError, helpText, loadConfig } from './config';
import { openDatabase } from './db/database';
import { buildHttpApp } from './http-app';
import { createEngine } from './inference/create-engine';
import { offerDemoPack } from './packs/demo-pack';
import { PackStore } from './packs/pack-store';
import { ensureLocalCertificate } from './tls/local-ca';

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2));
  if (config === 'help') {
    console.log(helpText());
    return;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(join(config.dataDir, 'clinic.sqlite'));
  const adminToken = ensureAdminToken(config.dataDir);
  await offerDemoPack(new PackStore(db, config.dataDir), config.staticDir);
  const tls = config.certFile
    ? { cert: readFileSync(config.certFile), key: readFileSync(config.keyFile!) }
    : await ensureLocalCertificate(config.dataDir);
  const engine = await createEngine(config, {
    upstreamCa: config.upstreamCaFile ? readFileSync(config.upstreamCaFile, 'utf8') : undefined,
  });
  const app = await build({ config, db, engine, adminToken }, { https: tls, logger: loggerOptions(config.logLevel) });
  await app.listen({ host: config.host, port: config.port });
  const http = await buildHttpApp({ config, caCertFile: 'caFile' in tls ? tls.caFile : undefined });
  await http.listen({ host: config.host, port: config.httpPort });
  await printBanner({ config, adminToken, engine });

  const stop = async () => {
    await Promise.allSettled([app.close(), http.close()]);
    await engine?.close();
    db.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
