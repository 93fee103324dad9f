import { PULL_MAX_LIMIT, PUSH_MAX_ITEMS } from '../../../../src/core/sync/sync-constants';
import { errorBodySchema } from '../../errors';
import { jobSchema } from '../jobs/schemas';
import { packSummarySchema, publisherKeySchema } from '../packs/schemas';

// JSON schemas for fastify (checked before the handler, serialized fast); the shapes are the shared zod
// schemas' in src/core/sync/sync-protocol.ts, which the tests check the responses against.

const errors = { '4xx': errorBodySchema, '5xx': errorBodySchema } as const;

export const clinicSettingsSchema = {
  type: 'object',
  properties: {
    clinicName: { type: 'string' },
    defaultLanguage: { type: ['string', 'null'] },
    enginePolicy: { type: 'string' },
    publisherKeys: { type: 'array', items: publisherKeySchema },
  },
  required: ['clinicName', 'defaultLanguage', 'enginePolicy', 'publisherKeys'],
} as const;

const changeSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    kind: { enum: ['settings', 'pack', 'job'] },
    id: { type: 'string' },
    deleted: { type: 'boolean' },
    // The first that fits: each requires fields the others lack.
    data: { anyOf: [{ type: 'null' }, clinicSettingsSchema, packSummarySchema, jobSchema] },
  },
  required: ['seq', 'kind', 'id', 'deleted', 'data'],
} as const;

export const changesQuerySchema = {
  type: 'object',
  properties: {
    since: { type: 'integer', minimum: 0, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: PULL_MAX_LIMIT, default: 200 },
  },
  additionalProperties: false,
} as const;

export const changesResponseSchema = {
  200: {
    type: 'object',
    properties: { changes: { type: 'array', items: changeSchema }, checkpoint: { type: 'integer' }, more: { type: 'boolean' } },
    required: ['changes', 'checkpoint', 'more'],
  },
  ...errors,
} as const;

/** Only the envelope: each item is checked on its own, so one bad item does not refuse the others. */
export const pushBodySchema = {
  type: 'object',
  properties: { items: { type: 'array', minItems: 1, maxItems: PUSH_MAX_ITEMS } },
  required: ['items'],
} as const;

const pushResultSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    id: { type: 'string' },
    status: { enum: ['ok', 'rejected'] },
    job: jobSchema,
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] },
  },
  required: ['kind', 'id', 'status'],
} as const;

export const pushResponseSchema = {
  200: { type: 'object', properties: { results: { type: 'array', items: pushResultSchema } }, required: ['results'] },
  ...errors,
} as const;
