// @peculiar/x509 wired to Node's WebCrypto once, for every module of the toolkit. It needs reflect-metadata loaded
// before it (its ASN.1 schema uses decorators).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
