// The one error type of the PKI toolkit. Every message is a single line meant for a person: it names the file or
// the value at fault and never includes key material.

export type PkiErrorCode =
  | 'ERR_PKI_PEM' // no PEM block of the expected type, or undecodable base64
  | 'ERR_PKI_PARSE' // a PEM/DER blob that is not the structure it claims to be
  | 'ERR_PKI_KEY' // unsupported, encrypted or mismatching key
  | 'ERR_PKI_ALGORITHM' // unknown key algorithm name
  | 'ERR_PKI_SIGNATURE' // a CSR or certificate whose signature does not verify
  | 'ERR_PKI_INVALID' // a value (SAN, CIDR, validity…) that is not acceptable
  | 'ERR_PKI_FILE' // a file that exists but is unusable, or cannot be written
  | 'ERR_PKI_TREE'; // an existing kubeadm tree that is inconsistent

export class PkiError extends Error {
  readonly code: PkiErrorCode;
  constructor(message: string, code: PkiErrorCode = 'ERR_PKI_INVALID') {
    super(message.split('\n')[0]);
    this.name = 'PkiError';
    this.code = code;
  }
}
