import Dexie, { type PromiseExtended, type Table } from 'dexie';
import type { AppErrorData } from '../core/errors/app-error';
import type { Feedback } from '../core/feedback/feedback-schema';
import type { CatalogModel } from '../core/models/catalog';
import type { OutboxItem } from '../core/outbox/outbox-item';
import type { Excerpt, PackManifest } from '../core/pack/pack-schema';
import type { ChatMessage, PromptSource } from '../core/prompt/build-prompt';
import type { PromptTarget } from '../core/prompt/prompt-target';
import type { PackSearchMeta, PostingList } from '../core/search/index-builder';
import type { ClinicSettings, PackListing } from '../core/sync/sync-protocol';

export interface InstalledPack {
  id: string;
  manifest: PackManifest;
  installedAt: string;
}

/** An excerpt as stored: its pack and its position in the pack, which postings refer to. */
export interface StoredExcerpt extends Excerpt {
  packId: string;
  ordinal: number;
}

export interface StoredPosting extends PostingList {
  packId: string;
  term: string;
}

export type StoredPackSearch = PackSearchMeta;

/** The clinic server this tablet is enrolled with. */
/** The model the clinic server answers with, as it last said: the prompts queued for it are built to suit. */
export interface ClinicModel extends PromptTarget {
  id: string;
}

export interface ClinicConnection {
  origin: string;
  deviceId: string;
  deviceName: string;
  token: string;
  enrolledAt: string;
  /** Learnt at each sync; absent until the server is first reached with a model. */
  model?: ClinicModel;
}

/** Small settings kept with the library, one row a key. */
export interface Settings {
  clinic: ClinicConnection;
  syncState: SyncStateRow;
  clinicSettings: ClinicSettings;
  /** The clinic's published packs, as last pulled. */
  clinicPacks: PackListing[];
  /** Packs the clinic unpublished, with the content it had sent, not yet removed here (src/db/sync-state.ts). */
  withdrawnPacks: { id: string; contentHash: string }[];
  /** Job ids deleted on the tablet that the clinic server has not yet been told of (src/db/outbox-store.ts). */
  pendingJobDeletes: string[];
}

/** Where base-camp sync stands: the pull checkpoint belongs to one enrollment (deviceId). */
export interface SyncStateRow {
  checkpoint: number;
  deviceId: string;
  lastSuccessAt?: string;
  lastAttemptAt?: string;
  lastError?: AppErrorData;
}

/** The prompt the app built around a question: chat messages or a completion prompt, and its sources. */
export interface OutboxPrompt {
  messages?: ChatMessage[];
  prompt?: string;
  stop?: string[];
  sources?: PromptSource[];
}

/** A question in the outbox, with what it takes to send it again after a restart. */
export interface OutboxRow extends OutboxItem {
  prompt?: OutboxPrompt;
  options?: { maxTokens?: number; temperature?: number };
  /** Asked under "this tablet only": kept in the history, never sent to the clinic server. */
  localOnly?: true;
}

/**
 * A model on this tablet, or on its way. GGUF files live in the origin private file system
 * (src/models/gguf-files.ts); web-llm keeps its own in Cache Storage.
 */
export interface StoredModel {
  id: string;
  /** The catalog entry it came from: what it needs and which files it has, known offline. */
  catalog: CatalogModel;
  /** Where it came from: the clinic server, or the address the app is hosted at (models beside it). */
  origin: string;
  /** `partial`: a download stopped (the connection dropped, the app closed) and resumes from where it was. */
  state: 'partial' | 'ready';
  /** The one the tablet answers with; at most one is. */
  active: boolean;
  /** Each file's ETag when its download began: a file changed on the server restarts, never splices. */
  etags: Record<string, string>;
  addedAt: string;
}

/** Feedback kept on the tablet until the clinic server has it. */
export interface FeedbackRow extends Feedback {
  syncState: 'pending' | 'synced';
  /** Deleted here; the deletion is still to be pushed. */
  deleted?: true;
  /** Counts every change to the row. */
  revision: number;
  /**
   * The revision last read for a push. A push marks the row synced only if it is still the current
   * one; and once set, the server may have the feedback, so deleting it must be pushed too.
   */
  sentRevision?: number;
}

/** A download in progress or done but not yet used, keyed by its URL without the origin. */
export interface DownloadRow {
  key: string;
  /** The ETag of the response the stored bytes came from; a resume must match it (If-Range). */
  etag: string;
  /** Bytes stored in downloadParts: always a prefix of the file. */
  received: number;
  /** The file's size when known; set to `received` once the whole file is stored. */
  total?: number;
  startedAt: string;
}

export interface DownloadPartRow {
  key: string;
  index: number;
  bytes: Uint8Array<ArrayBuffer>;
}

/** A row of `settings`: a key, and a value of that key's type. */
export type SettingRow<K extends keyof Settings = keyof Settings> = { [P in K]: { key: P; value: Settings[P] } }[K];

/** The `settings` table, whose `get` gives the row type of the key asked for. */
export type SettingsTable = {
  get<K extends keyof Settings>(key: K): PromiseExtended<SettingRow<K> | undefined>;
} & Table<SettingRow, keyof Settings>;

/** Version 1 kept search metadata inside each pack row; see the upgrade in version 2. */
export interface InstalledPackV1 extends InstalledPack {
  search?: PackSearchMeta;
}

export const DB_NAME = 'meditron-field';

/**
 * The library on the tablet. Postings are rows keyed by [pack, term], so a search reads only the
 * rows for its terms and a pack is replaced by deleting its key range, inside one transaction.
 */
export class LibraryDb extends Dexie {
  packs!: Table<InstalledPack, string>;
  packSearch!: Table<StoredPackSearch, string>;
  excerpts!: Table<StoredExcerpt, [string, number]>;
  postings!: Table<StoredPosting, [string, string]>;
  settings!: SettingsTable;
  outbox!: Table<OutboxRow, string>;
  models!: Table<StoredModel, string>;
  feedback!: Table<FeedbackRow, string>;
  downloads!: Table<DownloadRow, string>;
  downloadParts!: Table<DownloadPartRow, [string, number]>;

  constructor(name = DB_NAME) {
    super(name);
    this.version(1).stores({
      packs: 'id',
      excerpts: '[packId+ordinal], id, [packId+docId]',
      postings: '[packId+term], term',
    });
    // Listing packs read every pack's search arrays with it; they now live in a table of their own.
    this.version(2)
      .stores({ packSearch: 'packId' })
      .upgrade(async (tx) => {
        const packs = tx.table<InstalledPackV1, string>('packs');
        const metas = (await packs.toArray()).flatMap((p) => (p.search ? [p.search] : []));
        await tx.table<StoredPackSearch, string>('packSearch').bulkPut(metas);
        await packs.toCollection().modify((pack) => {
          delete pack.search;
        });
      });
    // The tablet's enrollment with a clinic server.
    this.version(3).stores({ settings: 'key' });
    // Questions waiting for an answer, kept across restarts; found again by the server's job id.
    this.version(4).stores({ outbox: 'id, jobId, state, createdAt' });
    // Models downloaded to the tablet, for answering with no server in reach.
    this.version(5).stores({ models: 'id' });
    // Base-camp sync: feedback waiting to be pushed, and downloads that resume after a dropped connection.
    // The job feed's checkpoint gives way to the sync's, which counts changes of every kind.
    this.version(6)
      .stores({ feedback: 'id, syncState', downloads: 'key', downloadParts: '[key+index]' })
      .upgrade((tx) => tx.table('settings').delete('feedCheckpoint'));
  }
}
