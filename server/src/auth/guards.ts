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

/** Routes for enrolled tablets. */
export const requireDevice: Guard = async (request) => {
  const device = deviceOf(request, tokenOf(request));
  if (!device) throw new ServerError('auth/invalid-token', 'This device token is unknown or was revoked. Enroll the tablet again.');
  request.device = device;
};

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
