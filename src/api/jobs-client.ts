import type { NetworkFailure, OutboxEvent } from '../core/outbox/transition';
import type { ClinicConnection, OutboxRow } from '../db/library-db';
import { type ClinicRequestOptions, request } from './clinic-request';

/** A job as the clinic server reports it (docs/api.md, Question jobs). */
export interface ServerJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  seq: number;
  answer: string | null;
  error: { code: string; message: string } | null;
  model: string | null;
}

/** A refused token is no item's failure: the app asks to enroll again and the questions wait. */
export type Unauthorized = { kind: 'unauthorized' };
export type PostResult = { kind: 'event'; event: OutboxEvent } | Unauthorized;
export type FeedResult =
  | { kind: 'page'; jobs: ServerJob[]; checkpoint: number }
  | { kind: 'network-failed'; reason: NetworkFailure }
  | Unauthorized;

const CANCELLED = { code: 'job/cancelled', message: 'The job was cancelled on the clinic server.' };

/** What a job state means for the item: the same whether it came from a POST response or the feed. */
export function jobEvent(job: ServerJob): OutboxEvent {
  const { id: jobId, seq } = job;
  switch (job.status) {
    case 'queued':
    case 'running':
      return { type: 'accepted-by-server', jobId, seq };
    case 'done':
      return { type: 'server-answered', jobId, answer: job.answer ?? '', model: job.model ?? '', seq };
    case 'failed':
      return { type: 'server-failed', jobId, error: job.error ?? { code: 'unknown', message: 'The job failed.' }, seq };
    case 'cancelled':
      return { type: 'server-failed', jobId, error: job.error ?? CANCELLED, seq };
  }
}

/** Posts the item as a job under its job id; sending it again is harmless (same id, same job). */
export async function postJob(connection: ClinicConnection, item: OutboxRow, options: ClinicRequestOptions): Promise<PostResult> {
  const { prompt, options: generation } = item;
  const stop = prompt?.stop;
  const body = {
    id: item.jobId,
    question: item.question,
    ...(prompt?.messages ? { messages: prompt.messages } : {}),
    ...(prompt?.prompt === undefined ? {} : { prompt: prompt.prompt }),
    ...(generation || stop ? { options: { ...generation, ...(stop ? { stop } : {}) } } : {}),
  };
  const response = await request(connection, '/api/jobs', options, { method: 'POST', body: JSON.stringify(body) });
  if ('reason' in response) return { kind: 'event', event: { type: 'network-failed', reason: response.reason } };
  const { status, json } = response;
  if (status === 401) return { kind: 'unauthorized' };
  const job = (json as { job?: ServerJob }).job;
  if ((status === 200 || status === 202) && job) return { kind: 'event', event: jobEvent(job) };
  // A 5xx, or what a working server never says (a 2xx without a job): worth trying again later.
  if (status >= 500 || status < 400) return { kind: 'event', event: { type: 'network-failed', reason: 'http-5xx' } };
  // The server refused this question (invalid, or its id taken by another device): sending it again would not help.
  const error = (json as { error?: { code?: string; message?: string } }).error;
  return {
    kind: 'event',
    event: {
      type: 'server-failed',
      jobId: item.jobId,
      error: { code: error?.code ?? 'clinic/server-error', message: error?.message ?? `The clinic server answered HTTP ${status}.` },
    },
  };
}

/** One page of this device's jobs changed since `since`, in seq order. */
export async function pullFeed(
  connection: ClinicConnection,
  since: number,
  limit: number,
  options: ClinicRequestOptions,
): Promise<FeedResult> {
  const response = await request(connection, `/api/jobs?since=${since}&limit=${limit}`, options, { method: 'GET' });
  if ('reason' in response) return { kind: 'network-failed', reason: response.reason };
  if (response.status === 401) return { kind: 'unauthorized' };
  if (response.status !== 200) return { kind: 'network-failed', reason: 'http-5xx' };
  const { jobs, checkpoint } = response.json as { jobs?: ServerJob[]; checkpoint?: number };
  if (!jobs || checkpoint === undefined) return { kind: 'network-failed', reason: 'http-5xx' };
  return { kind: 'page', jobs, checkpoint };
}
