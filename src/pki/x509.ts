// @peculiar/x509 wired to Node's WebCrypto, for every module of the toolkit. Loaded on first use:
// it costs ~90 ms to load, and `kauth up` on an existing tree reaches readiness without it.
// It needs reflect-metadata loaded before it (its ASN.1 schema uses decorators).
import { webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as X509 from '@peculiar/x509';

const require = createRequire(import.meta.url);
let lib: typeof X509 | undefined;

function load(): typeof X509 {
  if (!lib) {
    require('reflect-metadata');
    const loaded = require('@peculiar/x509') as typeof X509;
    loaded.cryptoProvider.set(webcrypto as unknown as Parameters<typeof loaded.cryptoProvider.set>[0]);
    lib = loaded;
  }
  return lib;
}

/** The library, resolved on the first property read. */
export const x509 = new Proxy({} as typeof X509, { get: (_target, prop) => Reflect.get(load(), prop) });
export type { X509 as x509Types };
