// Certificate and CSR parsing with @peculiar/x509 (loaded lazily: only the CSR and certificate views need it).
// tsyringe, which the library uses inside, wants the Reflect metadata API: the polyfill comes first.
import 'reflect-metadata';
import {
  BasicConstraintsExtension,
  Pkcs10CertificateRequest,
  PemConverter,
  SubjectAlternativeNameExtension,
  X509Certificate,
} from '@peculiar/x509';

export interface CertInfo {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  sans: string[];
}

export interface CsrInfo {
  subject: string;
  sans: string[];
  keyAlgorithm: string;
}

function sansOf(ext: SubjectAlternativeNameExtension | null): string[] {
  if (!ext) return [];
  return ext.names.items.map((n) => `${n.type}:${n.value}`);
}

const SUBJECT_ALT_NAME = '2.5.29.17';

/** A CSR's extensions come back typed by the library's extension factory; anything else is not a SAN. */
function subjectAltName(ext: unknown): SubjectAlternativeNameExtension | null {
  return ext instanceof SubjectAlternativeNameExtension ? ext : null;
}

/** Every certificate in a PEM bundle (ca.crt files often hold several). */
export function parseCertificates(pem: string): CertInfo[] {
  return PemConverter.decode(pem).map((der) => {
    const c = new X509Certificate(der);
    return {
      subject: c.subject,
      issuer: c.issuer,
      serial: c.serialNumber,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      isCa: c.getExtension(BasicConstraintsExtension)?.ca ?? false,
      sans: sansOf(c.getExtension(SubjectAlternativeNameExtension)),
    };
  });
}

/** What a CertificateSigningRequest asks for: the approver must see it before approving. */
export function parseCsr(pem: string): CsrInfo {
  const r = new Pkcs10CertificateRequest(pem);
  const alg = r.publicKey.algorithm as { name?: string; namedCurve?: string; modulusLength?: number };
  const keyAlgorithm = [alg.name, alg.namedCurve ?? (alg.modulusLength ? String(alg.modulusLength) : '')]
    .filter(Boolean)
    .join(' ');
  return { subject: r.subject, sans: sansOf(subjectAltName(r.getExtension(SUBJECT_ALT_NAME))), keyAlgorithm };
}

/** status.certificate and spec.request are base64 of PEM text. */
export function pemFromBase64(b64: string): string {
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
