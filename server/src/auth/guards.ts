import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServerError } from '../errors';
import { bearerOf, hashToken, sameSecret } from './tokens';

export interface DeviceIdentity {
  id: string;
  name: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The enrolled tablet making the request, set by requireDevice. */
    device: DeviceIdentity | null;
  }
}

type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

function deviceOf(request: FastifyRequest, token: string): DeviceIdentity | null {
  const row = request.server.ctx.db
    .prepare('SELECT id, name FROM devices WHERE token_hash = ? AND revoked_at IS NULL')
    .get(hashToken(token)) as DeviceIdentity | undefined;
  if (!row) return null;
  request.server.ctx.db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?').run(new Date().toISOString(), row.id);
  return row;
}

function tokenOf(request: FastifyRequest): string {
  const token = bearerOf(request.headers.authorization);
  if (!token) throw new ServerError('auth/missing-token', 'Sign in: this route needs a device token (Authorization: Bearer …).');
  return token;
}

function signInDevice(request: FastifyRequest, token: string): void {
  const device = deviceOf(request, token);
  if (!device) throw new ServerError('auth/invalid-token', 'This device token is unknown or was revoked. Enroll the tablet again.');
  request.device = device;
}

/** Routes for enrolled tablets. */
export const requireDevice: Guard = async (request) => {
  signInDevice(request, tokenOf(request));
};

/** web-llm fetches model files from a Web Worker, which cannot send an Authorization header: it sends this cookie. */
const MODELS_COOKIE = 'meditron_models';
/** 30 days; the device token in it is checked at every request, so revoking the tablet shuts it out at once. */
const MODELS_COOKIE_MAX_AGE_S = 30 * 24 * 60 * 60;

/** The Set-Cookie that carries the requesting tablet's device token to `/models/` and nowhere else. */
export function modelsCookieFor(request: FastifyRequest): string {
  return `${MODELS_COOKIE}=${tokenOf(request)}; Path=/models; HttpOnly; Secure; SameSite=Strict; Max-Age=${MODELS_COOKIE_MAX_AGE_S}`;
}

/** Model files only: a device token as the bearer header or, from a worker, as the models cookie. */
export const requireDeviceForModelFiles: Guard = async (request) => {
  const token = bearerOf(request.headers.authorization) ?? cookieValue(request.headers.cookie, MODELS_COOKIE);
  if (!token) {
    throw new ServerError(
      'auth/missing-token',
      'Sign in: model files need a device token (Authorization: Bearer …, or the cookie from POST /api/models/access).',
    );
  }
  signInDevice(request, token);
};

/**
 * A cookie's value from a Cookie header (`a=1; b="2"`, RFC 6265 §5.4), without its quotes. Of several with the
 * same name the first counts: browsers send the one with the longest path first.
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    const unquoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    return unquoted || undefined;
  }
  return undefined;
}

/** Admin routes: the admin token printed at first start (DATA/admin-token). */
export const requireAdmin: Guard = async (request) => {
  if (!sameSecret(tokenOf(request), request.server.ctx.adminToken)) {
    throw new ServerError('auth/not-admin', 'This route needs the admin token.');
  }
};

/** OpenAI-compatible routes: a tablet, a script with --api-key, or the admin. */
export const requireClient: Guard = async (request) => {
  const token = tokenOf(request);
  const { apiKey } = request.server.ctx.config;
  if ((apiKey && sameSecret(token, apiKey)) || sameSecret(token, request.server.ctx.adminToken)) return;
  const device = deviceOf(request, token);
  if (!device) throw new ServerError('auth/invalid-token', "Unknown token: use a device token or the server's API key.");
  request.device = device;
};
