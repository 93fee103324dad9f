import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Config } from './config';
import { errorBodySchema, registerErrorHandler, ServerError } from './errors';
import { securityHeaders } from './security-headers';
import { httpsUrl, urlAddresses } from './tls/lan-addresses';

export interface HttpAppOptions {
  config: Config;
  /** The local CA's certificate; undefined when the admin brought their own certificate. */
  caCertFile: string | undefined;
}

const CA_DOWNLOAD_NAME = 'meditron-field-ca.crt';

/**
 * The plain-HTTP side: a tablet that does not trust the clinic's certificate yet can only reach
 * this page to fetch it. Nothing else is served in clear text: every other request is sent to HTTPS.
 */
export async function buildHttpApp({ config, caCertFile }: HttpAppOptions): Promise<FastifyInstance> {
  const caCert = caCertFile === undefined ? undefined : readFileSync(caCertFile, 'utf8');
  const app = Fastify({ logger: false });
  registerErrorHandler(app);
  await app.register(securityHeaders);

  app.get(
    '/api/health',
    { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } } } },
    async () => ({
      status: 'ok',
    }),
  );

  app.get('/setup', { schema: { response: { 200: { type: 'string' }, 400: errorBodySchema } } }, async (request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(setupPage(httpsUrls(hostOf(request), config.port), caCert !== undefined)),
  );

  app.get('/setup/ca.crt', { schema: { response: { 200: { type: 'string' }, 404: errorBodySchema } } }, async (_request, reply) => {
    if (caCert === undefined) throw new ServerError('request/not-found', 'This server uses a certificate managed by its administrator.');
    return reply
      .header('content-type', 'application/x-x509-ca-cert')
      .header('content-disposition', `attachment; filename="${CA_DOWNLOAD_NAME}"`)
      .header('cache-control', 'no-cache')
      .send(caCert);
  });

  app.all('/*', { schema: { response: { 400: errorBodySchema } } }, async (request, reply) =>
    reply.redirect(`${httpsUrl(hostOf(request), config.port, '')}${request.url}`, 308),
  );
  return app;
}

/** The name the tablet used for this machine, without the port; refuses anything that is not a host. */
function hostOf(request: FastifyRequest): string {
  const host = request.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!/^[a-z0-9.-]+$/i.test(host) && !/^[0-9a-f:.]+$/i.test(host)) {
    throw new ServerError('request/invalid', 'The Host header is missing or is not a host name or address.');
  }
  return host;
}

/** The address the tablet already reaches first, then every other LAN address. */
function httpsUrls(requestHost: string, port: number): string[] {
  return [...new Set([requestHost, ...urlAddresses().map((a) => a.address)])].map((host) => httpsUrl(host, port));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function setupPage(urls: string[], offersDownload: boolean): string {
  const links = urls.map((url) => `<li><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></li>`).join('');
  const main = escapeHtml(urls[0]!);
  const steps = offersDownload
    ? `<p>This clinic server protects its connection with its own certificate. Install it once on each tablet; the
browser then trusts the server and the app works offline.</p>
<p><a class="button" href="/setup/ca.crt" download="${CA_DOWNLOAD_NAME}">Download the clinic certificate</a></p>
<h2>Android</h2>
<ol>
<li>Download the certificate with the button above.</li>
<li>Open <b>Settings → Security</b> (on some tablets <b>Security &amp; privacy → More security settings</b>)
→ <b>Encryption &amp; credentials</b> → <b>Install a certificate</b> → <b>CA certificate</b>.</li>
<li>Tap <b>Install anyway</b>, then choose <b>${CA_DOWNLOAD_NAME}</b> from Downloads.</li>
<li>Open <a href="${main}">${main}</a> in Chrome.</li>
</ol>
<h2>iPhone and iPad</h2>
<ol>
<li>Open this page in Safari, download the certificate and allow the profile.</li>
<li>Open <b>Settings → General → VPN &amp; Device Management</b>, choose the profile and tap <b>Install</b>.</li>
<li>Open <b>Settings → General → About → Certificate Trust Settings</b> and turn on
<b>Meditron Field clinic CA</b>.</li>
<li>Open <a href="${main}">${main}</a>.</li>
</ol>
<p class="note">Install a certificate only from your own clinic's server.</p>`
    : `<p>The certificate of this server is managed by its administrator: there is nothing to install here. If the
browser warns about the connection, ask the administrator.</p>
<p>Open <a href="${main}">${main}</a>.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Set up a tablet · Meditron Field</title>
<style>
body{font:1.05rem/1.5 system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:1rem;color:#1a1a1a}
h1{font-size:1.4rem;color:#0b5d4b}h2{font-size:1.15rem;margin-top:1.5rem}
li{margin:.4rem 0}a{color:#0b5d4b;word-break:break-all}
.button{display:inline-block;background:#0b5d4b;color:#fff;padding:.8rem 1.2rem;border-radius:.5rem;text-decoration:none;font-weight:600}
.note{background:#fff4d6;padding:.6rem .8rem;border-radius:.4rem}
</style>
</head>
<body>
<h1>Connect this tablet to the clinic server</h1>
${steps}
<h2>Addresses of this server</h2>
<ul>${links}</ul>
</body>
</html>
`;
}
