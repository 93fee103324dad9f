import { createPrivateKey, createPublicKey, X509Certificate as NodeCertificate, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { hostNames, lanAddresses } from './lan-addresses';
import * as x509 from './x509';

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_DAYS = 3650;
// Apple refuses TLS certificates valid longer than 825 days, even under a private CA.
const SERVER_DAYS = 825;
const RENEW_BEFORE_DAYS = 30;
// Field tablets often have a wrong clock: a certificate "from the future" would be refused.
const BACKDATE_MS = 2 * DAY_MS;
const KEY_ALGORITHM: webcrypto.EcKeyGenParams & webcrypto.EcKeyImportParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

export interface LocalCertificate {
  key: string;
  /** The server certificate followed by the CA certificate. */
  cert: string;
  caCert: string;
  caFile: string;
}

interface CertificateAuthority {
  cert: x509.X509Certificate;
  certPem: string;
  key: webcrypto.CryptoKey;
}

/**
 * A local certificate authority made once in DATA/tls (tablets install its certificate a single time)
 * and a server certificate it signs for every name and address this machine has now. The server
 * certificate is re-issued, under the same CA, when an address is missing (the laptop joined another
 * network) or it nears expiry, so tablets never have to install anything again.
 */
export async function ensureLocalCertificate(dataDir: string, hosts: string[] = []): Promise<LocalCertificate> {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = {
    caKey: join(dir, 'ca.key'),
    caCert: join(dir, 'ca.crt'),
    key: join(dir, 'server.key'),
    cert: join(dir, 'server.crt'),
  };
  const ca = await loadOrCreateAuthority(files.caKey, files.caCert);
  const names = wantedNames(hosts);
  if (!existsSync(files.key) || !existsSync(files.cert) || !serverCertificateFits(readFileSync(files.cert, 'utf8'), ca, names)) {
    const { keyPem, certPem } = await issueServerCertificate(ca, names);
    writeSecret(files.key, keyPem);
    writeAtomically(files.cert, certPem);
  }
  return {
    key: readFileSync(files.key, 'utf8'),
    cert: `${readFileSync(files.cert, 'utf8').trim()}\n${ca.certPem.trim()}\n`,
    caCert: ca.certPem,
    caFile: files.caCert,
  };
}

async function loadOrCreateAuthority(keyFile: string, certFile: string): Promise<CertificateAuthority> {
  const hasKey = existsSync(keyFile);
  if (hasKey !== existsSync(certFile)) {
    throw new Error(
      `${hasKey ? certFile : keyFile} is missing: restore it from a backup, or delete ${join(keyFile, '..')} to make a new certificate authority (every tablet must then install the new certificate).`,
    );
  }
  if (hasKey) {
    const keyPem = readFileSync(keyFile, 'utf8');
    const certPem = readFileSync(certFile, 'utf8');
    const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    const fromCert = new NodeCertificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
    if (!fromKey.equals(fromCert)) throw new Error(`${keyFile} does not belong to ${certFile}: restore both from the same backup.`);
    const key = await webcrypto.subtle.importKey('pkcs8', pemBody(keyPem), KEY_ALGORITHM, false, ['sign']);
    return { cert: new x509.X509Certificate(certPem), certPem, key };
  }
  const keys = await newKeyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ CN: ['Meditron Field clinic CA'] }, { O: [`Meditron Field on ${hostname()}`] }],
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_DAYS * DAY_MS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = cert.toString('pem');
  writeSecret(keyFile, await privateKeyPem(keys.privateKey));
  writeAtomically(certFile, certPem);
  return { cert, certPem, key: keys.privateKey };
}

function wantedNames(extra: string[]): { dns: string[]; ips: string[] } {
  const all = [...new Set(['localhost', '127.0.0.1', '::1', ...hostNames(), ...lanAddresses().map((a) => a.address), ...extra])];
  return { dns: all.filter((n) => isIP(n) === 0), ips: all.filter((n) => isIP(n) !== 0) };
}

function serverCertificateFits(pem: string, ca: CertificateAuthority, names: { dns: string[]; ips: string[] }): boolean {
  const cert = new NodeCertificate(pem);
  const caCert = new NodeCertificate(ca.certPem);
  return (
    cert.checkIssued(caCert) &&
    cert.verify(caCert.publicKey) &&
    new Date(cert.validTo).getTime() - Date.now() > RENEW_BEFORE_DAYS * DAY_MS &&
    names.ips.every((ip) => cert.checkIP(ip) !== undefined) &&
    names.dns.every((dns) => cert.checkHost(dns, { subject: 'never' }) !== undefined)
  );
}

async function issueServerCertificate(ca: CertificateAuthority, names: { dns: string[]; ips: string[] }) {
  const keys = await newKeyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    subject: [{ CN: [names.dns.find((n) => n !== 'localhost') ?? 'localhost'] }],
    issuer: ca.cert.subjectName,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + SERVER_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { keyPem: await privateKeyPem(keys.privateKey), certPem: cert.toString('pem') };
}

async function newKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
}

/** Readers never see a half-written file: write beside it, then rename. */
function writeAtomically(file: string, content: string, mode = 0o644): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, file);
}

function writeSecret(file: string, content: string): void {
  writeAtomically(file, content, 0o600);
}
