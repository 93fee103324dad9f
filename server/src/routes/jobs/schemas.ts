import { errorBodySchema } from '../../errors';

const message = {
  type: 'object',
  properties: {
    role: { enum: ['system', 'user', 'assistant'] },
    content: { type: 'string', maxLength: 200_000 },
  },
  required: ['role', 'content'],
} as const;

export const submitBodySchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    question: { type: 'string', minLength: 1, maxLength: 4000 },
    messages: { type: 'array', items: message, minItems: 1, maxItems: 64 },
    prompt: { type: 'string', minLength: 1, maxLength: 400_000 },
    options: {
      type: 'object',
      properties: {
        maxTokens: { type: 'integer', minimum: 1, maximum: 8192 },
        temperature: { type: 'number', minimum: 0, maximum: 2 },
        // Base models prompted with demonstrations go on writing examples unless told where to stop.
        stop: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 40 }, maxItems: 4 },
      },
      additionalProperties: false,
    },
    context: { type: 'object', additionalProperties: true },
  },
  required: ['id', 'question'],
} as const;

export const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
    seq: { type: 'integer' },
    question: { type: 'string' },
    answer: { type: ['string', 'null'] },
    error: {
      anyOf: [
        { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] },
        { type: 'null' },
      ],
    },
    model: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
  required: ['id', 'status', 'seq', 'question', 'answer', 'error', 'model', 'createdAt', 'updatedAt'],
} as const;

const oneJob = { type: 'object', properties: { job: jobSchema }, required: ['job'] } as const;
const errors = { '4xx': errorBodySchema, '5xx': errorBodySchema } as const;

export const submitResponseSchema = { 200: oneJob, 202: oneJob, ...errors } as const;
export const oneJobResponseSchema = { 200: oneJob, ...errors } as const;

export const listQuerySchema = {
  type: 'object',
  properties: {
    since: { type: 'integer', minimum: 0, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
} as const;

export const listResponseSchema = {
  200: {
    type: 'object',
    properties: { jobs: { type: 'array', items: jobSchema }, checkpoint: { type: 'integer' } },
    required: ['jobs', 'checkpoint'],
  },
  ...errors,
} as const;

export const idParamsSchema = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 64 } },
  required: ['id'],
} as const;
