// Order matters: tsyringe, loaded by @peculiar/x509, checks for the Reflect metadata API on load.
import 'reflect-metadata';
import { cryptoProvider } from '@peculiar/x509';

// Node's WebCrypto (global since Node 19); typed as the DOM's Crypto where the DOM library is in scope.
cryptoProvider.set(globalThis.crypto);

/** @peculiar/x509, ready to use with Node's WebCrypto. Import it from here, never directly. */
export * from '@peculiar/x509';
