import { z } from 'zod';
import { FeedbackSchema } from '../feedback/feedback-schema';
import { PackSignatureSchema } from '../pack/pack-signature';
import { ENGINE_POLICIES } from './sync-constants';

/**
 * The base-camp sync protocol between a tablet and its clinic server (docs/sync.md). The tablet
 * pushes what it made (questions, feedback, deletions) in batches of client-made ids, then pulls
 * every change since its checkpoint (clinic settings, packs, its own jobs) in the server's order.
 * The server and the app share these schemas.
 */

const languageTag = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as "en" or "pt-BR"');

/** A publisher key as the clinic lists it; a retired key only checks packs signed before a rotation. */
export const PublisherKeySchema = z.object({
  keyId: z.string(),
  publicKey: z.string(),
  name: z.string().optional(),
  retired: z.boolean(),
});
export type PublisherKey = z.infer<typeof PublisherKeySchema>;

/** What the clinic's administrator sets for every tablet. */
export const ClinicSettingsSchema = z.object({
  clinicName: z.string().max(120),
  /** The UI language of a tablet whose user has not chosen one; null: each follows its browser's language. */
  defaultLanguage: languageTag.nullable(),
  /** The answer policy of a tablet whose user has not chosen one. */
  enginePolicy: z.enum(ENGINE_POLICIES),
  publisherKeys: z.array(PublisherKeySchema),
});
export type ClinicSettings = z.infer<typeof ClinicSettingsSchema>;

/** A published pack as the clinic lists it (also `GET /api/packs`). */
export const PackListingSchema = z.object({
  id: z.string(),
  version: z.string(),
  title: z.string(),
  language: z.string(),
  publisher: z.string(),
  licence: z.string(),
  excerptCount: z.number().int(),
  size: z.number().int(),
  contentHash: z.string(),
  demo: z.boolean(),
  publishedAt: z.string().nullable(),
  // A signature that does not parse is kept as null: the check then refuses the pack as unsigned, in words.
  signature: PackSignatureSchema.nullable().catch(null),
});
export type PackListing = z.infer<typeof PackListingSchema>;

export const JobStatusSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);

/** A question job as its device sees it. */
export const ServerJobSchema = z.object({
  id: z.string(),
  status: JobStatusSchema,
  /** The job's own change counter (docs/api.md); not the sync checkpoint. */
  seq: z.number().int(),
  question: z.string(),
  answer: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  model: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ServerJob = z.infer<typeof ServerJobSchema>;

/** A question as the tablet queues it, with the prompt its app built (retrieved excerpts included). */
export const JobRequestSchema = z.object({
  question: z.string().min(1).max(4000),
  messages: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(200_000) }))
    .min(1)
    .max(64)
    .optional(),
  prompt: z.string().min(1).max(400_000).optional(),
  options: z
    .object({
      maxTokens: z.number().int().min(1).max(8192).optional(),
      temperature: z.number().min(0).max(2).optional(),
      stop: z.array(z.string().min(1).max(40)).max(4).optional(),
    })
    .strict()
    .optional(),
  context: z.record(z.string(), z.unknown()).optional(),
});
export type JobRequest = z.infer<typeof JobRequestSchema>;

/**
 * One change in the pull feed. `seq` is the server's order, the checkpoint the tablet keeps. Each
 * change carries the entity's state when pulled; `deleted` is a tombstone (an unpublished pack, a
 * question deleted on the tablet): the entity is gone and its data null.
 */
export const SyncChangeSchema = z.discriminatedUnion('kind', [
  z.object({
    seq: z.number().int(),
    kind: z.literal('settings'),
    id: z.literal('clinic'),
    deleted: z.literal(false),
    data: ClinicSettingsSchema,
  }),
  z.object({ seq: z.number().int(), kind: z.literal('pack'), id: z.string(), deleted: z.boolean(), data: PackListingSchema.nullable() }),
  z.object({ seq: z.number().int(), kind: z.literal('job'), id: z.string(), deleted: z.boolean(), data: ServerJobSchema.nullable() }),
]);
export type SyncChange = z.infer<typeof SyncChangeSchema>;

/** `GET /api/sync/changes?since=&limit=`: `more` when the page was cut at `limit`. */
export const ChangesPageSchema = z.object({
  changes: z.array(SyncChangeSchema),
  checkpoint: z.number().int(),
  more: z.boolean(),
});
export type ChangesPage = z.infer<typeof ChangesPageSchema>;

/**
 * One item of a push. The id is made by the tablet: the same item sent again changes nothing. A plain
 * union: `kind` alone does not tell the members apart (a put and a delete share it).
 */
export const PushItemSchema = z.union([
  z.object({ kind: z.literal('job'), id: z.uuid(), op: z.literal('put'), data: JobRequestSchema }),
  z.object({ kind: z.literal('job'), id: z.uuid(), op: z.literal('delete') }),
  z.object({ kind: z.literal('feedback'), id: z.uuid(), op: z.literal('put'), data: FeedbackSchema }),
  z.object({ kind: z.literal('feedback'), id: z.uuid(), op: z.literal('delete') }),
]);
export type PushItem = z.infer<typeof PushItemSchema>;

/**
 * The outcome of each pushed item, in the order sent. `ok` also for a resend; a job comes back in
 * its current state. `rejected` items are refused for good (invalid, or their id taken by another
 * device): sending them again would not help.
 */
export const PushResultSchema = z.discriminatedUnion('status', [
  z.object({ kind: z.enum(['job', 'feedback']), id: z.string(), status: z.literal('ok'), job: ServerJobSchema.optional() }),
  z.object({
    kind: z.string(),
    id: z.string(),
    status: z.literal('rejected'),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
export type PushResult = z.infer<typeof PushResultSchema>;

export const PushResponseSchema = z.object({ results: z.array(PushResultSchema) });
