import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors/app-error';
import { contentHash, readPack } from '../../src/core/pack/pack-reader';
import type { PackManifest } from '../../src/core/pack/pack-schema';
import {
  base64UrlDecode,
  base64UrlEncode,
  canonicalManifest,
  formatPackSignatureHeader,
  PACK_SIGNATURE_DOMAIN,
  type PackSignature,
  PackSignatureSchema,
  packSignaturePayload,
  parsePackSignatureHeader,
  publisherKeyId,
  signPack,
  type TrustedKey,
  verifyPackSignature,
  verifySignedPack,
} from '../../src/core/pack/pack-signature';
import { makeExcerpts, makePack, makePackParts } from '../fixtures/pack';

interface Publisher {
  privateKey: CryptoKey;
  publicKeyRaw: Uint8Array<ArrayBuffer>;
  trusted: TrustedKey;
}

async function makePublisher(name = 'Clinic'): Promise<Publisher> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const publicKeyRaw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const trusted = { keyId: publisherKeyId(publicKeyRaw), publicKey: base64UrlEncode(publicKeyRaw), name };
  return { privateKey: pair.privateKey, publicKeyRaw, trusted };
}

/** The AppError a promise rejects with, for assertions on its code, message and details. */
async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

let publisher: Publisher;
let other: Publisher;
const pack = makePackParts({ id: 'malaria', version: '2', excerpts: makeExcerpts(4) });
let signature: PackSignature;

beforeAll(async () => {
  publisher = await makePublisher();
  other = await makePublisher('Someone else');
  signature = await signPack(pack.manifest, publisher.privateKey, publisher.publicKeyRaw);
});

describe('what is signed', () => {
  it('is the manifest in a fixed key order, after a domain-separation line', () => {
    const reversed = Object.fromEntries(Object.entries(pack.manifest).reverse()) as PackManifest;
    expect(canonicalManifest(reversed)).toBe(canonicalManifest(pack.manifest));
    const text = new TextDecoder().decode(packSignaturePayload(pack.manifest));
    expect(text.startsWith(PACK_SIGNATURE_DOMAIN)).toBe(true);
    expect(PACK_SIGNATURE_DOMAIN).toBe('meditron-field-pack-signature/v1\n');
    expect(Object.keys(JSON.parse(text.slice(PACK_SIGNATURE_DOMAIN.length)))).toEqual([
      'format',
      'formatVersion',
      'id',
      'title',
      'version',
      'language',
      'publisher',
      'licence',
      'created',
      'sources',
      'excerptCount',
      'contentHash',
    ]);
  });

  it('names a key by the first 16 hex digits of the SHA-256 of its raw bytes', async () => {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', publisher.publicKeyRaw));
    const hex = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(publisher.trusted.keyId).toBe(hex.slice(0, 16));
    expect(publisherKeyId(publisher.trusted.publicKey)).toBe(hex.slice(0, 16));
  });

  it('encodes base64url without padding, as Node does', () => {
    for (const length of [0, 1, 2, 3, 31, 32, 64]) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const encoded = base64UrlEncode(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64url'));
      expect(base64UrlDecode(encoded)).toEqual(bytes);
    }
    expect(() => base64UrlDecode('ab+c')).toThrow();
  });
});

describe('signing and verifying', () => {
  it('round-trips: a signature of the publisher is accepted with its key', async () => {
    expect(PackSignatureSchema.parse(signature)).toEqual(signature);
    expect(signature.keyId).toBe(publisher.trusted.keyId);
    expect(base64UrlDecode(signature.signature)).toHaveLength(64);
    const result = await verifyPackSignature(pack.manifest, signature, [other.trusted, publisher.trusted]);
    expect(result).toEqual({ ok: true, key: publisher.trusted });
  });

  it('accepts the same pack read back from its file, and through the header form', async () => {
    const parsed = await readPack([makePack({ id: 'malaria', version: '2', excerpts: makeExcerpts(4) })]);
    const header = formatPackSignatureHeader(signature);
    expect(header).toBe(`${signature.keyId}.${signature.signature}`);
    expect(parsePackSignatureHeader(header)).toEqual(signature);
    await expect(verifySignedPack(parsed, parsePackSignatureHeader(header), [publisher.trusted])).resolves.toMatchObject({ ok: true });
  });

  it('refuses a key pair that does not belong together', async () => {
    await expect(signPack(pack.manifest, other.privateKey, publisher.publicKeyRaw)).rejects.toThrow(/does not match its public key/);
  });

  it('refuses a changed manifest field', async () => {
    for (const change of [{ title: 'Another title' }, { version: '3' }, { demo: true }, { excerptCount: 5 }]) {
      const error = await refusal(verifyPackSignature({ ...pack.manifest, ...change }, signature, [publisher.trusted]));
      expect(error.code).toBe('pack/bad-signature');
      expect(error.message).toMatch(/does not match its content.*Download it again/);
      expect(error.details).toMatchObject({ keyId: publisher.trusted.keyId, reason: 'mismatch' });
    }
  });

  it('refuses a changed excerpt: its content hash no longer matches, and a restated hash breaks the signature', async () => {
    const excerpts = pack.excerpts.map((e, i) => (i === 2 ? { ...e, text: 'Give twice the dose.' } : e));
    const hashError = await refusal(verifySignedPack({ manifest: pack.manifest, excerpts }, signature, [publisher.trusted]));
    expect(hashError.code).toBe('pack/hash-mismatch');
    const restated = { ...pack.manifest, contentHash: contentHash(excerpts) };
    const error = await refusal(verifySignedPack({ manifest: restated, excerpts }, signature, [publisher.trusted]));
    expect(error.code).toBe('pack/bad-signature');
  });

  it('refuses a pack signed by another key under a trusted key id', async () => {
    const forged = await signPack(pack.manifest, other.privateKey, other.publicKeyRaw);
    const error = await refusal(verifyPackSignature(pack.manifest, { ...forged, keyId: publisher.trusted.keyId }, [publisher.trusted]));
    expect(error.code).toBe('pack/bad-signature');
  });

  it('refuses a signature by a key the tablet does not trust, naming the key', async () => {
    const byOther = await signPack(pack.manifest, other.privateKey, other.publicKeyRaw);
    const error = await refusal(verifyPackSignature(pack.manifest, byOther, [publisher.trusted]));
    expect(error.code).toBe('pack/untrusted-key');
    expect(error.message).toContain(other.trusted.keyId);
    expect(error.message).toMatch(/does not trust.*administrator/);
    expect(error.details).toMatchObject({ keyId: other.trusted.keyId, packId: 'malaria', version: '2' });
    expect((await refusal(verifyPackSignature(pack.manifest, signature, []))).code).toBe('pack/untrusted-key');
  });

  it('does not trust a configured key whose id is not its own', async () => {
    const mislabelled = { ...other.trusted, keyId: publisher.trusted.keyId };
    const error = await refusal(verifyPackSignature(pack.manifest, signature, [mislabelled]));
    expect(error.code).toBe('pack/untrusted-key');
  });

  it('refuses a missing signature', async () => {
    for (const missing of [undefined, null, parsePackSignatureHeader(null), parsePackSignatureHeader('  ')]) {
      const error = await refusal(verifyPackSignature(pack.manifest, missing, [publisher.trusted]));
      expect(error.code).toBe('pack/unsigned');
      expect(error.message).toMatch(/not signed.*publisher-key/);
      expect(error.details).toEqual({ packId: 'malaria', version: '2' });
    }
  });

  it('refuses a malformed signature', async () => {
    const malformed: PackSignature[] = [
      { keyId: signature.keyId, signature: signature.signature.slice(0, -2) },
      { keyId: signature.keyId, signature: `${signature.signature.slice(0, -1)}+` },
      { keyId: 'ABCDEF', signature: signature.signature },
      parsePackSignatureHeader('no-dot-here')!,
    ];
    for (const bad of malformed) {
      const error = await refusal(verifyPackSignature(pack.manifest, bad, [publisher.trusted]));
      expect(error.code).toBe('pack/bad-signature');
      expect(error.message).toMatch(/malformed/);
      expect(error.details).toMatchObject({ reason: 'malformed' });
    }
  });

  it('refuses a flipped bit in the signature', async () => {
    const bytes = base64UrlDecode(signature.signature);
    bytes[10] = bytes[10]! ^ 1;
    const error = await refusal(
      verifyPackSignature(pack.manifest, { ...signature, signature: base64UrlEncode(bytes) }, [publisher.trusted]),
    );
    expect(error.code).toBe('pack/bad-signature');
  });

  it('travels as error data the UI translates', async () => {
    const error = await refusal(verifyPackSignature(pack.manifest, undefined, [publisher.trusted]));
    expect(structuredClone(error.toData())).toEqual(error.toData());
  });
});
