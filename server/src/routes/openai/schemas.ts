import { errorBodySchema } from '../../errors';

// Request bodies follow the OpenAI API. Fields this server does not use (user, logprobs, penalties, …) are
// accepted and ignored, as clients send them by default; `n` above 1 is refused since one answer is made.

const nullableNumber = (minimum: number, maximum: number) => ({ type: ['number', 'null'], minimum, maximum }) as const;

const generationFields = {
  model: { type: 'string', maxLength: 256 },
  max_tokens: { type: ['integer', 'null'], minimum: 1 },
  temperature: nullableNumber(0, 2),
  top_p: nullableNumber(0, 1),
  stop: {
    anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 4 }, { type: 'null' }],
  },
  seed: { type: ['integer', 'null'] },
  n: { type: ['integer', 'null'], minimum: 1, maximum: 1 },
  stream: { type: ['boolean', 'null'] },
  stream_options: {
    anyOf: [{ type: 'object', properties: { include_usage: { type: 'boolean' } } }, { type: 'null' }],
  },
} as const;

const textPart = {
  type: 'object',
  properties: { type: { const: 'text' }, text: { type: 'string' } },
  required: ['type', 'text'],
} as const;

export const chatBodySchema = {
  type: 'object',
  properties: {
    ...generationFields,
    // Newer clients send max_completion_tokens instead of max_tokens.
    max_completion_tokens: { type: ['integer', 'null'], minimum: 1 },
    messages: {
      type: 'array',
      minItems: 1,
      maxItems: 256,
      items: {
        type: 'object',
        properties: {
          role: { enum: ['system', 'developer', 'user', 'assistant'] },
          content: { anyOf: [{ type: 'string' }, { type: 'array', items: textPart }] },
        },
        required: ['role', 'content'],
      },
    },
  },
  required: ['messages'],
} as const;

export const completionBodySchema = {
  type: 'object',
  properties: {
    ...generationFields,
    // A prompt, or a list of exactly one (token-id prompts and batches are not supported).
    prompt: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1 }] },
  },
  required: ['prompt'],
} as const;

const usage = {
  type: 'object',
  properties: {
    prompt_tokens: { type: 'integer' },
    completion_tokens: { type: 'integer' },
    total_tokens: { type: 'integer' },
  },
  required: ['prompt_tokens', 'completion_tokens', 'total_tokens'],
} as const;

const envelope = {
  id: { type: 'string' },
  object: { type: 'string' },
  created: { type: 'integer' },
  model: { type: 'string' },
  usage,
} as const;

const errors = { '4xx': errorBodySchema, '5xx': errorBodySchema } as const;

/** A non-streamed answer: the OpenAI envelope around one choice of the given shape. */
function answerSchema<P extends Record<string, unknown>, R extends readonly string[]>(choice: { properties: P; required: R }) {
  return {
    200: {
      type: 'object',
      properties: {
        ...envelope,
        choices: {
          type: 'array',
          items: {
            type: 'object',
            properties: { index: { type: 'integer' }, ...choice.properties, logprobs: { type: 'null' }, finish_reason: { type: 'string' } },
            required: ['index', ...choice.required, 'finish_reason'],
          },
        },
      },
      required: ['id', 'object', 'created', 'model', 'choices', 'usage'],
    },
    ...errors,
  } as const;
}

export const chatResponseSchema = answerSchema({
  properties: {
    message: {
      type: 'object',
      properties: { role: { type: 'string' }, content: { type: 'string' } },
      required: ['role', 'content'],
    },
  },
  required: ['message'],
} as const);

export const completionResponseSchema = answerSchema({ properties: { text: { type: 'string' } }, required: ['text'] } as const);

export const modelsResponseSchema = {
  200: {
    type: 'object',
    properties: {
      object: { type: 'string' },
      data: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            object: { type: 'string' },
            created: { type: 'integer' },
            owned_by: { type: 'string' },
            // As vLLM reports it, so OpenAI-compatible tools learn the context size.
            max_model_len: { type: 'integer' },
            // Ours: 'chat' (instruction-tuned, has a chat template) or 'completion' (a base model).
            prompt_profile: { type: 'string', enum: ['chat', 'completion'] },
          },
          required: ['id', 'object', 'created', 'owned_by', 'prompt_profile'],
        },
      },
    },
    required: ['object', 'data'],
  },
  ...errors,
} as const;

export interface TextPart {
  type: 'text';
  text: string;
}

interface GenerationBody {
  model?: string;
  max_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
}

export interface ChatBody extends GenerationBody {
  max_completion_tokens?: number | null;
  messages: { role: 'system' | 'developer' | 'user' | 'assistant'; content: string | TextPart[] }[];
}

export interface CompletionBody extends GenerationBody {
  prompt: string | [string];
}
