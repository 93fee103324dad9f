import Dexie, { type Table } from 'dexie';
import type { CatalogModel } from '../core/models/catalog';
import type { OutboxItem } from '../core/outbox/outbox-item';
import type { Excerpt, PackManifest } from '../core/pack/pack-schema';
import type { ChatMessage, PromptSource } from '../core/prompt/build-prompt';
import type { PromptTarget } from '../core/prompt/prompt-target';
import type { PackSearchMeta, PostingList } from '../core/search/index-builder';

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
}

/**
 * How far this tablet has read the clinic server's job feed (a checkpoint of another device is void).
 * A row of `settings` under its own type: in `Settings`, every `get('clinic')` would have to narrow.
 */
export interface FeedCheckpointRow {
  key: 'feedCheckpoint';
  value: { deviceId: string; seq: number };
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
  /** The clinic server it came from. */
  origin: string;
  /** `partial`: a download stopped (the connection dropped, the app closed) and resumes from where it was. */
  state: 'partial' | 'ready';
  /** The one the tablet answers with; at most one is. */
  active: boolean;
  /** Each file's ETag when its download began: a file changed on the server restarts, never splices. */
  etags: Record<string, string>;
  addedAt: string;
}

export interface SettingRow<K extends keyof Settings = keyof Settings> {
  key: K;
  value: Settings[K];
}

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
  settings!: Table<SettingRow, keyof Settings>;
  outbox!: Table<OutboxRow, string>;
  models!: Table<StoredModel, string>;

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
  }
}
