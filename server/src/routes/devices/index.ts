import type { FastifyInstance } from 'fastify';
import { requireAdmin, requireDevice } from '../../auth/guards';
import { errorBodySchema, ServerError } from '../../errors';
import { createEnrollmentCode, DEFAULT_TTL_MINUTES, listDevices, MAX_TTL_MINUTES, redeemEnrollmentCode, revokeDevice } from './enrollment';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

const deviceSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    createdAt: { type: 'string' },
    lastSeenAt: { type: ['string', 'null'] },
    revokedAt: { type: ['string', 'null'] },
  },
  required: ['id', 'name', 'createdAt', 'lastSeenAt', 'revokedAt'],
} as const;

/**
 * Tablets join with a one-time code from the admin and get a device token; the admin lists and
 * revokes them. Guards run on request, before the body is even read: strangers learn nothing.
 */
export async function deviceRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.ctx;

  app.post<{ Body: { ttlMinutes?: number } }>(
    '/api/admin/enrollment-codes',
    {
      onRequest: requireAdmin,
      // The body is optional: an empty POST asks for the default lifetime.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        body: {
          type: 'object',
          properties: { ttlMinutes: { type: 'integer', minimum: 1, maximum: MAX_TTL_MINUTES } },
          additionalProperties: false,
        },
        response: {
          201: { type: 'object', properties: { code: { type: 'string' }, expiresAt: { type: 'string' } }, required: ['code', 'expiresAt'] },
          ...errors,
        },
      },
    },
    async (request, reply) => reply.status(201).send(createEnrollmentCode(db, request.body.ttlMinutes ?? DEFAULT_TTL_MINUTES)),
  );

  app.post<{ Body: { code: string; name: string } }>(
    '/api/devices/enroll',
    {
      schema: {
        body: {
          type: 'object',
          properties: {
            code: { type: 'string', minLength: 1, maxLength: 64 },
            name: { type: 'string', minLength: 1, maxLength: 80, pattern: '\\S' },
          },
          required: ['code', 'name'],
          additionalProperties: false,
        },
        response: {
          201: { type: 'object', properties: { deviceId: { type: 'string' }, token: { type: 'string' } }, required: ['deviceId', 'token'] },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const device = redeemEnrollmentCode(db, request.body.code, request.body.name.trim());
      request.log.info({ deviceId: device.deviceId }, 'device enrolled');
      return reply.status(201).send(device);
    },
  );

  app.get(
    '/api/devices/me',
    {
      onRequest: requireDevice,
      schema: {
        response: {
          200: { type: 'object', properties: { deviceId: { type: 'string' }, name: { type: 'string' } }, required: ['deviceId', 'name'] },
          ...errors,
        },
      },
    },
    async (request) => ({ deviceId: request.device!.id, name: request.device!.name }),
  );

  app.get(
    '/api/admin/devices',
    {
      onRequest: requireAdmin,
      schema: {
        response: {
          200: { type: 'object', properties: { devices: { type: 'array', items: deviceSchema } }, required: ['devices'] },
          ...errors,
        },
      },
    },
    async () => ({ devices: listDevices(db) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/admin/devices/:id',
    {
      onRequest: requireAdmin,
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 64 } }, required: ['id'] },
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      if (!revokeDevice(db, request.params.id)) throw new ServerError('request/not-found', 'No device has this id.');
      request.log.info({ deviceId: request.params.id }, 'device revoked');
      return reply.status(204).send();
    },
  );
}
