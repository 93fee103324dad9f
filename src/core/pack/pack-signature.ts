import { z } from 'zod';
import { AppError } from '../errors/app-error';
import { Sha256 } from '../util/sha256';
import { contentHash, type ParsedPack } from './pack-reader';
import type { PackManifest } from './pack-schema';

/**
 * Signed guideline packs. A clinic's publisher key (Ed25519) signs the pack's manifest, written in a
 * canonical form; the manifest states the excerpt count and the content hash of every excerpt line,
 * so the signature covers the whole pack. Tablets trust only the public keys their clinic configured.
 */

/** Prefixed to what is signed, so a pack signature can never be taken for a signature of anything else. */
export const PACK_SIGNATURE_DOMAIN = 'meditron-field-pack-signature/v1\n';
/** The response header that carries a pack file's signature: `<keyId>.<signature>`. */
export const PACK_SIGNATURE_HEADER = 'X-Pack-Signature';

const ED25519 = { name: 'Ed25519' } as const;
const PUBLIC_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

const keyIdSchema = z.string().regex(/^[0-9a-f]{16}$/, '16 lower-case hexadecimal digits');
/** Unpadded base64url of exactly `bytes` bytes. */
const base64UrlOf = (bytes: number, what: string) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`), `${what} (${bytes} bytes in base64url)`);

/** A pack's signature: the signing key's id and the Ed25519 signature in base64url. */
export const PackSignatureSchema = z.object({
  keyId: keyIdSchema,
  signature: base64UrlOf(SIGNATURE_BYTES, 'an Ed25519 signature'),
});
export type PackSignature = z.infer<typeof PackSignatureSchema>;

/** A publisher key a tablet trusts: the raw 32-byte Ed25519 public key in base64url, and its id. */
export const TrustedKeySchema = z.object({
  keyId: keyIdSchema,
  publicKey: base64UrlOf(PUBLIC_KEY_BYTES, 'an Ed25519 public key'),
  name: z.string().optional(),
});
export type TrustedKey = z.infer<typeof TrustedKeySchema>;

export interface PackSignatureCheck {
  ok: true;
  /** The trusted key that made the signature. */
  key: TrustedKey;
}

/**
 * The manifest in a fixed key order (the schema's), so the signed bytes do not depend on who wrote
 * the file or how it was parsed. Keys the schema does not know are not part of a manifest.
 */
export function canonicalManifest(m: PackManifest): string {
  return JSON.stringify({
    format: m.format,
    formatVersion: m.formatVersion,
    id: m.id,
    title: m.title,
    version: m.version,
    language: m.language,
    publisher: m.publisher,
    licence: m.licence,
    created: m.created,
    sources: m.sources.map((s) => ({ name: s.name, publisher: s.publisher, title: s.title, year: s.year, url: s.url })),
    excerptCount: m.excerptCount,
    contentHash: m.contentHash,
    demo: m.demo,
    description: m.description,
    lexicon: m.lexicon?.map((l) => ({ language: l.language, entries: l.entries.map((e) => ({ terms: e.terms, en: e.en, kind: e.kind })) })),
  });
}

/** The exact bytes a publisher key signs. */
export function packSignaturePayload(manifest: PackManifest): Uint8Array {
  return new TextEncoder().encode(PACK_SIGNATURE_DOMAIN + canonicalManifest(manifest));
}

/** A key's id: the first 16 hex digits of the SHA-256 of its raw 32 bytes. */
export function publisherKeyId(publicKeyRaw: Uint8Array | string): string {
  const raw = typeof publicKeyRaw === 'string' ? base64UrlDecode(publicKeyRaw) : publicKeyRaw;
  return new Sha256().update(raw).hex().slice(0, 16);
}

/**
 * Signs a pack's manifest with a publisher's Ed25519 private key (a WebCrypto key with the "sign"
 * usage). The signature is checked against the public key before it is returned: a key pair that
 * does not belong together fails here, not on every tablet.
 */
export async function signPack(manifest: PackManifest, privateKey: CryptoKey, publicKeyRaw: Uint8Array | string): Promise<PackSignature> {
  const raw = typeof publicKeyRaw === 'string' ? base64UrlDecode(publicKeyRaw) : publicKeyRaw;
  if (raw.length !== PUBLIC_KEY_BYTES) throw new Error(`An Ed25519 public key has ${PUBLIC_KEY_BYTES} bytes, not ${raw.length}.`);
  const subtle = webCrypto();
  const payload = packSignaturePayload(manifest);
  const signature = new Uint8Array(await subtle.sign(ED25519, privateKey, payload));
  const publicKey = await subtle.importKey('raw', raw, ED25519, false, ['verify']);
  if (!(await subtle.verify(ED25519, publicKey, signature, payload))) {
    throw new Error('The publisher private key does not match its public key: the pack was not signed.');
  }
  return { keyId: publisherKeyId(raw), signature: base64UrlEncode(signature) };
}

/**
 * Checks a pack manifest's signature against the publisher keys this tablet trusts. Resolves with the
 * key that signed it, or throws an AppError: `pack/unsigned` (no signature), `pack/untrusted-key`
 * (signed by a key not in `trusted`), `pack/bad-signature` (malformed, or not made by that key over
 * this manifest: the pack was altered), `pack/signature-unsupported` (no Ed25519 in this runtime).
 */
export async function verifyPackSignature(
  manifest: PackManifest,
  signature: PackSignature | null | undefined,
  trusted: readonly TrustedKey[],
): Promise<PackSignatureCheck> {
  const pack = { packId: manifest.id, version: manifest.version };
  if (!signature) {
    throw new AppError(
      'pack/unsigned',
      `Pack ${manifest.id} version ${manifest.version} is not signed, so it was not installed. Ask the clinic's administrator to create a publisher key (npm run admin -- publisher-key) and publish the pack again.`,
      pack,
    );
  }
  const parsed = PackSignatureSchema.safeParse(signature);
  if (!parsed.success) {
    throw new AppError(
      'pack/bad-signature',
      `The signature of pack ${manifest.id} version ${manifest.version} is malformed, so the pack was not installed. Download it again; if it happens again, tell the clinic's administrator.`,
      { ...pack, reason: 'malformed' },
    );
  }
  const { keyId } = parsed.data;
  const key = trusted.find((k) => isValidTrustedKey(k) && k.keyId === keyId);
  if (!key) {
    throw new AppError(
      'pack/untrusted-key',
      `Pack ${manifest.id} version ${manifest.version} is signed with key ${keyId}, which this tablet does not trust, so it was not installed. Ask the clinic's administrator to check the publisher keys this tablet was given.`,
      { ...pack, keyId },
    );
  }
  let valid: boolean;
  try {
    const subtle = webCrypto();
    const publicKey = await subtle.importKey('raw', base64UrlDecode(key.publicKey), ED25519, false, ['verify']);
    valid = await subtle.verify(ED25519, publicKey, base64UrlDecode(parsed.data.signature), packSignaturePayload(manifest));
  } catch (error) {
    if (!isUnsupported(error)) {
      throw new AppError(
        'pack/bad-signature',
        `The publisher key ${keyId} could not check pack ${manifest.id} version ${manifest.version}, so the pack was not installed. Ask the clinic's administrator to check the publisher keys this tablet was given.`,
        { ...pack, keyId, reason: 'key-invalid' },
      );
    }
    throw new AppError(
      'pack/signature-unsupported',
      `This browser cannot check pack signatures (Ed25519), so the pack was not installed. Update the browser, then try again. (${(error as Error)?.message ?? String(error)})`,
      { ...pack, keyId },
    );
  }
  if (!valid) {
    throw new AppError(
      'pack/bad-signature',
      `The signature of pack ${manifest.id} version ${manifest.version} does not match its content: the pack was altered or signed wrongly, so it was not installed. Download it again; if it happens again, tell the clinic's administrator.`,
      { ...pack, keyId, reason: 'mismatch' },
    );
  }
  return { ok: true, key };
}

/**
 * The whole check a tablet makes before installing a downloaded pack: its excerpts match the
 * manifest's content hash (which the signature covers), then the signature. `readPack` already
 * checks the hash of what it reads; this is for a pack whose parts were put together otherwise.
 */
export async function verifySignedPack(
  pack: ParsedPack,
  signature: PackSignature | null | undefined,
  trusted: readonly TrustedKey[],
): Promise<PackSignatureCheck> {
  const actual = contentHash(pack.excerpts);
  if (actual !== pack.manifest.contentHash || pack.excerpts.length !== pack.manifest.excerptCount) {
    throw new AppError('pack/hash-mismatch', "The excerpts do not match the manifest's content hash: the file was altered or damaged.", {
      field: 'contentHash',
      expected: pack.manifest.contentHash,
      actual,
    });
  }
  return verifyPackSignature(pack.manifest, signature, trusted);
}

/** `<keyId>.<signature>`, the form of the X-Pack-Signature header. */
export function formatPackSignatureHeader(signature: PackSignature): string {
  return `${signature.keyId}.${signature.signature}`;
}

/**
 * Reads an X-Pack-Signature header. No header (or an empty one) is no signature; anything else is
 * returned as found, for verifyPackSignature to refuse when malformed.
 */
export function parsePackSignatureHeader(value: string | null | undefined): PackSignature | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const dot = text.indexOf('.');
  return dot < 0 ? { keyId: '', signature: text } : { keyId: text.slice(0, dot), signature: text.slice(dot + 1) };
}

/** No WebCrypto, or a WebCrypto without Ed25519 (Chromium before 137, Safari before 17). */
function isUnsupported(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return error instanceof NoWebCrypto || name === 'NotSupportedError';
}

class NoWebCrypto extends Error {}

/** True when a configured key is well formed and its id is the one its public key gives. */
function isValidTrustedKey(key: TrustedKey): boolean {
  return TrustedKeySchema.safeParse(key).success && publisherKeyId(key.publicKey) === key.keyId;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url (RFC 4648 §5). */
export function base64UrlEncode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!;
    if (i + 1 < bytes.length) out += ALPHABET[(n >>> 6) & 63]!;
    if (i + 2 < bytes.length) out += ALPHABET[n & 63]!;
  }
  return out;
}

/** Decodes unpadded (or padded) base64url; throws on any other character or an impossible length. */
export function base64UrlDecode(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(clean) || clean.length % 4 === 1) throw new Error('Not base64url.');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const char of clean) {
    value = (value << 6) | ALPHABET.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >>> bits) & 0xff;
    }
  }
  return out;
}

/** The subset of SubtleCrypto used here, typed without the DOM library (core runs in browsers and Node). */
interface Ed25519Subtle {
  importKey(format: 'raw', keyData: Uint8Array, algorithm: typeof ED25519, extractable: boolean, usages: string[]): Promise<CryptoKey>;
  sign(algorithm: typeof ED25519, key: CryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
  verify(algorithm: typeof ED25519, key: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

function webCrypto(): Ed25519Subtle {
  const subtle = (globalThis as { crypto?: { subtle?: Ed25519Subtle } }).crypto?.subtle;
  if (!subtle) throw new NoWebCrypto('WebCrypto is not available (it needs a secure context: HTTPS or localhost).');
  return subtle;
}
