// certificates.k8s.io/v1 KeyUsage strings ("client auth", "digital signature", …) and their X.509 meaning, as
// Kubernetes' signer maps them (k8s.io/kubernetes/pkg/apis/certificates/v1 helpers, keyUsagesFromStrings).
import type { ExtKeyUsageName, KeyUsageName } from './certificate.js';
import { PkiError } from './errors.js';

const KEY_USAGES: Record<string, KeyUsageName> = {
  signing: 'digitalSignature',
  'digital signature': 'digitalSignature',
  'content commitment': 'nonRepudiation',
  'key encipherment': 'keyEncipherment',
  'key agreement': 'keyAgreement',
  'data encipherment': 'dataEncipherment',
  'cert sign': 'keyCertSign',
  'crl sign': 'crlSign',
  'encipher only': 'encipherOnly',
  'decipher only': 'decipherOnly',
};

const EXT_KEY_USAGES: Record<string, ExtKeyUsageName> = {
  any: 'anyExtendedKeyUsage',
  'server auth': 'serverAuth',
  'client auth': 'clientAuth',
  'code signing': 'codeSigning',
  'email protection': 'emailProtection',
  's/mime': 'emailProtection',
  'ipsec end system': 'ipsecEndSystem',
  'ipsec tunnel': 'ipsecTunnel',
  'ipsec user': 'ipsecUser',
  timestamping: 'timeStamping',
  'ocsp signing': 'ocspSigning',
  'microsoft sgc': 'microsoftServerGatedCrypto',
  'netscape sgc': 'netscapeServerGatedCrypto',
};

/** The 23 values the API accepts in spec.usages. */
export const KNOWN_CSR_USAGES: readonly string[] = [...Object.keys(KEY_USAGES), ...Object.keys(EXT_KEY_USAGES)];

export function isKnownCsrUsage(usage: string): boolean {
  return usage in KEY_USAGES || usage in EXT_KEY_USAGES;
}

/** Splits CSR usages into X.509 key usages and extended key usages. Unknown strings are PkiErrors. */
export function usagesToX509(usages: string[]): { keyUsages: KeyUsageName[]; extKeyUsages: ExtKeyUsageName[] } {
  const keyUsages = new Set<KeyUsageName>();
  const extKeyUsages = new Set<ExtKeyUsageName>();
  for (const u of usages) {
    if (u in KEY_USAGES) keyUsages.add(KEY_USAGES[u]!);
    else if (u in EXT_KEY_USAGES) extKeyUsages.add(EXT_KEY_USAGES[u]!);
    else
      throw new PkiError(
        `unsupported usage "${u}": supported values are ${KNOWN_CSR_USAGES.map((k) => `"${k}"`).join(', ')}`,
        'ERR_PKI_INVALID',
      );
  }
  return { keyUsages: [...keyUsages], extKeyUsages: [...extKeyUsages] };
}
