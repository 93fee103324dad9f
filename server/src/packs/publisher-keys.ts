import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { PackManifest } from '../../../src/core/pack/pack-schema';
import { type PackSignature, publisherKeyId, signPack } from '../../../src/core/pack/pack-signature';

/** A publisher public key as tablets are given it, with what the admin needs to manage it. */
export interface PublisherKey {
  /** First 16 hex digits of the SHA-256 of the raw public key. */
  keyId: string;
  /** The raw 32-byte Ed25519 public key, base64url. */
  publicKey: string;
  name: string;
  createdAt: string;
  /** When a rotation replaced it; its signatures stay valid for tablets that still trust it. */
  retiredAt: string | null;
}

export interface PackSigner {
  key: PublisherKey;
  sign(manifest: PackManifest): Promise<PackSignature>;
}

interface KeyList {
  keys: PublisherKey[];
}

/**
 * The clinic's pack publisher key pair, in DATA/publisher/: `private-key.pem` (PKCS#8, readable by
 * the server's user only), `public-key.pem` (SPKI) and `keys.json`, every public key this clinic has
 * used, retired ones included. The private key is the truth for the active key: `keys.json` adds
 * names and dates. Read on every use, so a key made or rotated by the admin command while the
 * server runs signs the server's next publication.
 */
export class PublisherKeys {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'publisher');
  }

  get privateKeyFile(): string {
    return join(this.dir, 'private-key.pem');
  }

  private get publicKeyFile(): string {
    return join(this.dir, 'public-key.pem');
  }

  private get listFile(): string {
    return join(this.dir, 'keys.json');
  }

  /** The key packs are signed with now, or null when the clinic has none. */
  active(): PublisherKey | null {
    const privateKey = this.readPrivateKey();
    if (!privateKey) return null;
    const publicKey = rawPublicKey(createPublicKey(privateKey));
    const keyId = publisherKeyId(publicKey);
    const listed = this.readList().keys.find((k) => k.keyId === keyId);
    return {
      keyId,
      publicKey,
      name: listed?.name ?? 'publisher key',
      createdAt: listed?.createdAt ?? statSync(this.privateKeyFile).mtime.toISOString(),
      retiredAt: null,
    };
  }

  /** Every key, the active one first, then retired ones, newest first. */
  list(): PublisherKey[] {
    const active = this.active();
    const retired = this.readList()
      .keys.filter((k) => k.keyId !== active?.keyId)
      .map((k) => ({ ...k, retiredAt: k.retiredAt ?? k.createdAt }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return active ? [active, ...retired] : retired;
  }

  /**
   * Makes the clinic's key pair. Refuses when one exists unless `rotate`: then the new key replaces
   * it and the old public key stays listed as retired.
   */
  create(options: { name?: string; rotate?: boolean } = {}): { key: PublisherKey; retired: PublisherKey | null } {
    const previous = this.active();
    if (previous && !options.rotate) {
      throw new Error(
        `A publisher key already exists (key id ${previous.keyId}): tablets trust it. ` +
          'To replace it, run publisher-key --rotate; the old public key stays listed as retired, and tablets must be given the new one.',
      );
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const now = new Date().toISOString();
    const key: PublisherKey = {
      keyId: publisherKeyId(rawPublicKey(publicKey)),
      publicKey: rawPublicKey(publicKey),
      name: options.name?.trim() || `${hostname()} publisher`,
      createdAt: now,
      retiredAt: null,
    };
    if (previous) {
      // Written beside, then renamed over: the old key or the new one, never half of one.
      const temporary = `${this.privateKeyFile}.tmp`;
      rmSync(temporary, { force: true });
      writeSecret(temporary, pem);
      renameSync(temporary, this.privateKeyFile);
    } else {
      // 'wx': two admin commands at once cannot both make the first key.
      writeSecret(this.privateKeyFile, pem);
    }
    writeFileSync(this.publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const retired = previous ? { ...previous, retiredAt: now } : null;
    const others = this.readList().keys.filter((k) => k.keyId !== key.keyId && k.keyId !== previous?.keyId);
    this.writeList({ keys: [...others, ...(retired ? [retired] : []), key] });
    return { key, retired };
  }

  /** Signs with the active key; null when the clinic has no publisher key (packs are then published unsigned). */
  async signer(): Promise<PackSigner | null> {
    const privateKey = this.readPrivateKey();
    if (!privateKey) return null;
    const key = this.active()!;
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    const cryptoKey = await webcrypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']);
    return { key, sign: (manifest) => signPack(manifest, cryptoKey, key.publicKey) };
  }

  private readPrivateKey(): KeyObject | null {
    if (!existsSync(this.privateKeyFile)) return null;
    const key = createPrivateKey(readFileSync(this.privateKeyFile));
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new Error(`${this.privateKeyFile} is not an Ed25519 key: move it away and run publisher-key again.`);
    }
    return key;
  }

  private readList(): KeyList {
    if (!existsSync(this.listFile)) return { keys: [] };
    const parsed = JSON.parse(readFileSync(this.listFile, 'utf8')) as Partial<KeyList>;
    return { keys: Array.isArray(parsed.keys) ? parsed.keys : [] };
  }

  private writeList(list: KeyList): void {
    const temporary = `${this.listFile}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(list, null, 2)}\n`);
    renameSync(temporary, this.listFile);
  }
}

/** The line said wherever a pack is published without a publisher key. */
export function unsignedNotice(what: string): string {
  return `Published ${what} unsigned: this clinic has no publisher key. Create one with "npm run admin -- publisher-key" to sign packs.`;
}

/** The raw 32-byte Ed25519 public key, base64url: its JWK `x`. */
function rawPublicKey(key: KeyObject): string {
  return (key.export({ format: 'jwk' }) as { x: string }).x;
}

function writeSecret(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
  // The mode given at creation is narrowed by the umask only; make sure of it anyway.
  chmodSync(file, 0o600);
}
