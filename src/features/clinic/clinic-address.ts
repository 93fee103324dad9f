/** Why a typed clinic server address cannot be used; each has a message in locales/<lang>/clinic.json. */
export type AddressProblem = 'empty' | 'invalid' | 'insecure' | 'path';

export type ParsedAddress = { ok: true; origin: string } | { ok: false; problem: AddressProblem };

/** Plain HTTP is for a server on this very device, for testing: browsers treat loopback as secure. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The clinic server's origin from an address as a person types it: `https://` may be left out, a trailing
 * slash is forgiven. Anything but HTTPS is refused: the tablet's token and questions must not cross the
 * network in clear, and an HTTPS app cannot call a plain-HTTP server anyway.
 */
export function parseClinicAddress(input: string): ParsedAddress {
  const text = input.trim();
  if (!text) return { ok: false, problem: 'empty' };
  const withScheme = /^[a-z][a-z\d+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  if (!URL.canParse(withScheme)) return { ok: false, problem: 'invalid' };
  const url = new URL(withScheme);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    return { ok: false, problem: url.protocol === 'http:' ? 'insecure' : 'invalid' };
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return { ok: false, problem: 'path' };
  return { ok: true, origin: url.origin };
}
