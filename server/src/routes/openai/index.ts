import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { requireClient } from '../../auth/guards';
import { ServerError } from '../../errors';
import type { ChatMessage, GenerationOptions, InferenceEngine } from '../../inference/engine';
import { type ResponseFormat, respond } from './respond';
import {
  type ChatBody,
  type CompletionBody,
  chatBodySchema,
  chatResponseSchema,
  completionBodySchema,
  completionResponseSchema,
  modelsResponseSchema,
} from './schemas';

const STARTED_S = Math.floor(Date.now() / 1000);

const newId = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;

function optionsOf(body: ChatBody | CompletionBody, maxTokens: number | null | undefined): GenerationOptions {
  const { stop } = body;
  return {
    maxTokens: maxTokens ?? undefined,
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    stop: typeof stop === 'string' ? [stop] : (stop ?? undefined),
    seed: body.seed ?? undefined,
  };
}

function messagesOf(body: ChatBody): ChatMessage[] {
  return body.messages.map(({ role, content }) => ({
    // 'developer' is the newer clients' name for the system role.
    role: role === 'developer' ? 'system' : role,
    content: typeof content === 'string' ? content : content.map((part) => part.text).join(''),
  }));
}

const streamOf = (body: ChatBody | CompletionBody) => ({
  enabled: body.stream === true,
  includeUsage: body.stream_options?.include_usage === true,
});

/**
 * OpenAI-compatible API (as vLLM and llama.cpp-server offer it): the app, scripts and other tools talk to
 * the clinic's model with any OpenAI client. A single-model server: the `model` asked for is ignored and
 * the served model's id is reported.
 */
export async function openaiRoutes(app: FastifyInstance): Promise<void> {
  let servedModel: Promise<string> | null = null;

  function engineOrFail(): InferenceEngine {
    const { engine } = app.ctx;
    if (!engine) {
      throw new ServerError(
        'inference/no-model',
        'This server has no model to answer with. Start it with --model <file.gguf> or --upstream <OpenAI-compatible URL>.',
      );
    }
    return engine;
  }

  /** Asked once; a failure (an upstream still booting) is retried on the next request. */
  function modelId(engine: InferenceEngine): Promise<string> {
    servedModel ??= engine.models().then((models) => models[0]?.id ?? 'unknown');
    servedModel.catch(() => {
      servedModel = null;
    });
    return servedModel;
  }

  app.get('/v1/models', { onRequest: requireClient, schema: { response: modelsResponseSchema } }, async () => {
    const models = await engineOrFail().models();
    return {
      object: 'list',
      data: models.map((m) => ({
        id: m.id,
        object: 'model',
        created: STARTED_S,
        owned_by: m.ownedBy,
        ...(m.contextLength ? { max_model_len: m.contextLength } : {}),
        prompt_profile: m.promptProfile,
      })),
    };
  });

  app.post<{ Body: ChatBody }>(
    '/v1/chat/completions',
    { onRequest: requireClient, schema: { body: chatBodySchema, response: chatResponseSchema } },
    async (request, reply) => {
      const engine = engineOrFail();
      const { body } = request;
      const messages = messagesOf(body);
      const base = { id: newId('chatcmpl'), created: Math.floor(Date.now() / 1000), model: await modelId(engine) };
      const chunk = (delta: object, finishReason: string | null) => ({
        ...base,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        ...(streamOf(body).includeUsage ? { usage: null } : {}),
      });
      const format: ResponseFormat = {
        whole: (text, finishReason, usage) => ({
          ...base,
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: finishReason }],
          usage,
        }),
        opening: () => chunk({ role: 'assistant', content: '' }, null),
        piece: (text) => chunk({ content: text }, null),
        closing: (finishReason) => chunk({}, finishReason),
        usage: (usage) => ({ ...base, object: 'chat.completion.chunk', choices: [], usage }),
      };
      return respond(
        request,
        reply,
        (options, onText) => engine.chat(messages, options, onText),
        optionsOf(body, body.max_completion_tokens ?? body.max_tokens),
        streamOf(body),
        format,
      );
    },
  );

  app.post<{ Body: CompletionBody }>(
    '/v1/completions',
    { onRequest: requireClient, schema: { body: completionBodySchema, response: completionResponseSchema } },
    async (request, reply) => {
      const engine = engineOrFail();
      const { body } = request;
      const prompt = typeof body.prompt === 'string' ? body.prompt : body.prompt[0];
      const base = { id: newId('cmpl'), object: 'text_completion', created: Math.floor(Date.now() / 1000), model: await modelId(engine) };
      const chunk = (text: string, finishReason: string | null) => ({
        ...base,
        choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
        ...(streamOf(body).includeUsage ? { usage: null } : {}),
      });
      const format: ResponseFormat = {
        whole: (text, finishReason, usage) => ({
          ...base,
          choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
          usage,
        }),
        piece: (text) => chunk(text, null),
        closing: (finishReason) => chunk('', finishReason),
        usage: (usage) => ({ ...base, choices: [], usage }),
      };
      return respond(
        request,
        reply,
        (options, onText) => engine.complete(prompt, options, onText),
        optionsOf(body, body.max_tokens),
        streamOf(body),
        format,
      );
    },
  );
}
