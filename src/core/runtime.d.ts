// The few Web platform APIs that every runtime we target (browsers, workers, Node 20) provides.
// Declared here rather than pulling in the DOM lib, so a stray `window` in core fails the type-check.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare class URL {
  constructor(url: string, base?: string);
  readonly protocol: string;
  readonly href: string;
}
/** A WebCrypto key handle, opaque to core: the runtime's own CryptoKey (browser or Node) satisfies it. */
interface CryptoKey {
  readonly type: string;
  readonly algorithm: { readonly name: string };
}
