import { hostname, networkInterfaces } from 'node:os';

export interface LanAddress {
  address: string;
  family: 'IPv4' | 'IPv6';
}

/** Every address tablets on the local network may use to reach this machine, IPv4 first. */
export function lanAddresses(): LanAddress[] {
  const all = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal)
    .map((a) => ({ address: a!.address, family: a!.family }));
  return [...all.filter((a) => a.family === 'IPv4'), ...all.filter((a) => a.family === 'IPv6')];
}

/** Addresses worth showing as URLs: link-local IPv6 needs a zone id that browsers do not accept. */
export function urlAddresses(): LanAddress[] {
  return lanAddresses().filter((a) => !(a.family === 'IPv6' && /^fe[89ab]/i.test(a.address)));
}

/** The machine's names as tablets may resolve them: the plain host name and its mDNS `.local` name. */
export function hostNames(): string[] {
  const name = hostname().toLowerCase();
  // Only names a certificate's DNS entry can carry.
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(name)) return [];
  return [...new Set([name, `${name.split('.')[0]}.local`])];
}

/** `host` as it goes into a URL: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** https://HOST:PORT without the port when it is the default one. */
export function httpsUrl(host: string, port: number, path = '/'): string {
  return `https://${urlHost(host)}${port === 443 ? '' : `:${port}`}${path}`;
}
