// Caches that the first requests need but readiness does not: the protobuf schemas (every write orders its
// JSON by them) and @peculiar/x509 (client certificates' names). Loading them costs ~0.3 s of CPU, so they are
// loaded just after the server listens rather than before: /readyz answers sooner, and the work is done by the
// time a client's first request arrives in the common case.
import { kubeRoot } from '../api/protobuf/schema.js';
import { log } from '../log.js';
import { x509 } from '../pki/x509.js';

export function warmUpInBackground(): void {
  setTimeout(() => {
    try {
      kubeRoot();
      void x509.X509Certificate;
    } catch (e) {
      // Not fatal: the same load is retried by the request that needs it, which then reports the error.
      log.warn({ err: (e as Error).message }, 'warming caches failed');
    }
  }, 0).unref();
}
