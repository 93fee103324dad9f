import { EventEmitter } from 'node:events';
import type { Db } from '../db/database';
import { ServerError } from '../errors';
import type { ChatMessage } from '../inference/engine';
import { ChangeLog } from '../sync/change-log';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** What a tablet sends: the question, and the prompt its app built around it (retrieved excerpts included). */
export interface JobRequest {
  question: string;
  messages?: ChatMessage[];
  prompt?: string;
  options?: { maxTokens?: number; temperature?: number; stop?: string[] };
  /** Age band, sex, …: kept as sent, for the app's own use. */
  context?: Record<string, unknown>;
}

/** A job as its device sees it. */
export interface Job {
  id: string;
  status: JobStatus;
  seq: number;
  question: string;
  answer: string | null;
  error: { code: string; message: string } | null;
  model: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A job as the runner needs it. */
export interface RunnableJob {
  id: string;
  request: JobRequest;
  attempts: number;
}

interface JobRow {
  id: string;
  device_id: string;
  seq: number;
  request: string;
  status: JobStatus;
  answer: string | null;
  error: string | null;
  model: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

// Every change takes the next seq, computed inside the writing statement: one server process is the single
// writer, so seqs are unique and increase in commit order, and a device pulling "since" sees each state once.
const NEXT_SEQ = '(SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs)';

function jobOf(row: JobRow): Job {
  return {
    id: row.id,
    status: row.status,
    seq: row.seq,
    question: (JSON.parse(row.request) as JobRequest).question,
    answer: row.answer,
    error: row.error === null ? null : JSON.parse(row.error),
    model: row.model,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// What is left of a deleted job's request: the health worker's words are erased, the row keeps its id.
const ERASED_REQUEST = JSON.stringify({ question: '' });

export type JobSignal = 'queued' | 'stopped';

// Shared by every store on one database, so the runner hears of jobs queued or stopped through any route.
const signals = new WeakMap<Db, EventEmitter>();

/**
 * The jobs table: a device's questions, their answers, and the order the changes happened in. Every change
 * is also recorded in the sync change log, for the device that owns the job.
 */
export class JobStore {
  private readonly changes: ChangeLog;
  private readonly signals: EventEmitter;

  constructor(private readonly db: Db) {
    this.changes = new ChangeLog(db);
    if (!signals.has(db)) signals.set(db, new EventEmitter());
    this.signals = signals.get(db)!;
  }

  /** Calls `listener` once a job is queued, or stopped by its device; returns the unsubscribe. */
  onSignal(listener: (signal: JobSignal, id: string) => void): () => void {
    this.signals.on('job', listener);
    return () => this.signals.off('job', listener);
  }

  // After the caller's synchronous transaction has committed: a listener must see the change.
  private signal(signal: JobSignal, id: string): void {
    queueMicrotask(() => this.signals.emit('job', signal, id));
  }

  private row(id: string): JobRow | undefined {
    return this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  }

  /**
   * The id is the client's idempotency key: the same id sent again is the same job, whatever the body. A job
   * the device deleted stays deleted (`deleted`, its text erased): a late resend does not bring it back.
   */
  submit(deviceId: string, id: string, request: JobRequest): { job: Job; created: boolean; deleted: boolean } {
    const result = this.db.transaction(() => {
      const existing = this.row(id);
      if (existing && existing.device_id !== deviceId) {
        throw new ServerError('request/conflict', 'Another device already sent a job with this id. Use a new UUID.');
      }
      if (existing) return { job: jobOf(existing), created: false, deleted: existing.deleted_at !== null };
      const now = new Date().toISOString();
      this.db
        .prepare(
          `INSERT INTO jobs (id, device_id, seq, request, status, created_at, updated_at)
           VALUES (?, ?, ${NEXT_SEQ}, ?, 'queued', ?, ?)`,
        )
        .run(id, deviceId, JSON.stringify(request), now, now);
      this.changes.record('job', id, { deviceId });
      return { job: jobOf(this.row(id)!), created: true, deleted: false };
    })();
    if (result.created) this.signal('queued', id);
    return result;
  }

  /** A device's own job; another device's, or one it deleted, reads as missing. */
  get(deviceId: string, id: string): Job {
    const job = this.find(deviceId, id);
    if (!job) throw new ServerError('request/not-found', 'No such job on this device.');
    return job;
  }

  /** A device's own job; null when unknown, another device's or deleted. */
  find(deviceId: string, id: string): Job | null {
    const row = this.row(id);
    return row && row.device_id === deviceId && row.deleted_at === null ? jobOf(row) : null;
  }

  /** The device's jobs changed after `since`, oldest change first; deleted ones are gone. */
  since(deviceId: string, since: number, limit: number): Job[] {
    const rows = this.db
      .prepare('SELECT * FROM jobs WHERE device_id = ? AND seq > ? AND deleted_at IS NULL ORDER BY seq LIMIT ?')
      .all(deviceId, since, limit) as JobRow[];
    return rows.map(jobOf);
  }

  /** A job not answered yet stops; one already finished stays as it is. */
  cancel(deviceId: string, id: string): Job {
    return this.db.transaction(() => {
      const job = this.get(deviceId, id);
      if (job.status === 'cancelled') return job;
      if (job.status === 'done' || job.status === 'failed') {
        throw new ServerError('request/conflict', `This job is already ${job.status}.`, { status: job.status });
      }
      this.update(id, "status = 'cancelled'", [], ['queued', 'running']);
      this.signal('stopped', id);
      return this.get(deviceId, id);
    })();
  }

  /**
   * Deletes a job the health worker deleted on the tablet: stops it if not answered yet, erases the question,
   * prompt and answer (patient data the device no longer wants kept), and leaves a tombstone in the feed.
   * Deleting again, or an id this device never sent, changes nothing.
   */
  softDelete(deviceId: string, id: string): void {
    this.db.transaction(() => {
      const row = this.row(id);
      if (!row || row.device_id !== deviceId || row.deleted_at !== null) return;
      const stopped = row.status === 'queued' || row.status === 'running';
      const now = new Date().toISOString();
      this.db
        .prepare(`UPDATE jobs SET status = ?, request = ?, answer = NULL, deleted_at = ?, seq = ${NEXT_SEQ}, updated_at = ? WHERE id = ?`)
        .run(stopped ? 'cancelled' : row.status, ERASED_REQUEST, now, now, id);
      this.changes.record('job', id, { deviceId, deleted: true });
      if (stopped) this.signal('stopped', id);
    })();
  }

  /** Queued jobs in the order they were queued, skipping `exclude`. */
  queued(limit: number, exclude: ReadonlySet<string>): RunnableJob[] {
    const rows = this.db
      .prepare("SELECT id, request, attempts FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT ?")
      .all(limit + exclude.size) as Pick<JobRow, 'id' | 'request' | 'attempts'>[];
    return rows
      .filter((row) => !exclude.has(row.id))
      .slice(0, limit)
      .map((row) => ({ id: row.id, request: JSON.parse(row.request) as JobRequest, attempts: row.attempts }));
  }

  /** Claims a queued job; false if it was cancelled meanwhile. Each claim counts as an attempt. */
  markRunning(id: string): boolean {
    return this.update(id, "status = 'running', attempts = attempts + 1", [], ['queued']);
  }

  /** Stores the answer, once: only a running job becomes done, so a late or repeated run cannot overwrite it. */
  markDone(id: string, answer: string, model: string): boolean {
    return this.update(id, "status = 'done', answer = ?, model = ?, error = NULL", [answer, model], ['running']);
  }

  markFailed(id: string, error: { code: string; message: string }): boolean {
    return this.update(id, "status = 'failed', error = ?", [JSON.stringify(error)], ['running']);
  }

  /** Back to the queue, to be answered again from scratch. */
  requeue(id: string): boolean {
    return this.update(id, "status = 'queued'", [], ['running']);
  }

  /** Back to the queue after a server stop, which is not the job's fault: the attempt is not counted. */
  release(id: string): boolean {
    return this.update(id, "status = 'queued', attempts = attempts - 1", [], ['running']);
  }

  /** Jobs a killed server left running: the ids, with how many attempts each has had. */
  running(): { id: string; attempts: number }[] {
    return this.db.prepare("SELECT id, attempts FROM jobs WHERE status = 'running' ORDER BY seq").all() as {
      id: string;
      attempts: number;
    }[];
  }

  private update(id: string, assignments: string, values: unknown[], from: JobStatus[]): boolean {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE jobs SET ${assignments}, seq = ${NEXT_SEQ}, updated_at = ?
           WHERE id = ? AND status IN (${from.map(() => '?').join(', ')}) RETURNING device_id`,
        )
        .get(...values, new Date().toISOString(), id, ...from) as { device_id: string } | undefined;
      if (changed) this.changes.record('job', id, { deviceId: changed.device_id });
      return changed !== undefined;
    })();
  }
}
