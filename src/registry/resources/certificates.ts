// certificates.k8s.io/v1 CertificateSigningRequest, as k8s/pkg/registry/certificates/certificates/strategy.go
// and k8s/pkg/apis/certificates/validation/validation.go define it: the requester is stamped from the request's
// user, the spec never changes after create, `/approval` alone writes Approved/Denied and `/status` alone writes
// the certificate (once). Validation texts are Kubernetes' own, word for word.
import {
  badRequest,
  fieldDuplicate,
  fieldForbidden,
  fieldInvalid,
  fieldNotSupported,
  fieldRequired,
  type FieldError,
} from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { readCertificate } from '../../pki/certificate.js';
import { parseCsr, type ParsedCsr } from '../../pki/csr.js';
import { decodePem, decodePemBlocks } from '../../pki/pem.js';
import { KNOWN_CSR_USAGES } from '../../pki/usages.js';
import { age, humanDuration } from '../table.js';
import {
  ALL_VERBS,
  type RequestContext,
  type ResourceDef,
  type Strategy,
  type TableColumn,
  type TableConvertor,
} from '../types.js';
import { dns1123Label, dns1123Subdomain, pathSegmentName } from '../validation.js';
import { kubeTime } from '../../api/time.js';

export const CERTIFICATES_GROUP = 'certificates.k8s.io';
export const KUBE_APISERVER_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
export const KUBE_APISERVER_CLIENT_KUBELET_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';
export const LEGACY_UNKNOWN_SIGNER = 'kubernetes.io/legacy-unknown';

export type CsrConditionType = 'Approved' | 'Denied' | 'Failed' | string;

export interface CsrCondition {
  type: CsrConditionType;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** As stored and served: `request` and `certificate` are base64 of PEM bytes (Go []byte in JSON). */
export interface CsrSpec {
  request?: string;
  signerName?: string;
  expirationSeconds?: number;
  usages?: string[];
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface CsrStatus {
  conditions?: CsrCondition[];
  certificate?: string;
}

export interface CertificateSigningRequest extends KubeObject {
  spec: CsrSpec;
  status?: CsrStatus;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a CSR object.

export function asCsr(obj: KubeObject): CertificateSigningRequest {
  const o = obj as CertificateSigningRequest;
  if (!o.spec || typeof o.spec !== 'object') o.spec = {};
  return o;
}

/** The PEM bytes of spec.request (undefined when unset: Go's nil []byte). */
export function requestBytes(csr: KubeObject): Buffer | undefined {
  const r = asCsr(csr).spec.request;
  return typeof r === 'string' ? Buffer.from(r, 'base64') : undefined;
}

/** The PEM bytes of status.certificate (empty when unset). */
export function certificateBytes(csr: KubeObject): Buffer {
  const c = (csr as CertificateSigningRequest).status?.certificate;
  return typeof c === 'string' ? Buffer.from(c, 'base64') : Buffer.alloc(0);
}

export function conditionsOf(csr: KubeObject): CsrCondition[] {
  const c = (csr as CertificateSigningRequest).status?.conditions;
  return Array.isArray(c) ? c : [];
}

/** HasTrueCondition: a condition of the type with status True (an empty status counts as True, as in Go). */
export function hasTrueCondition(csr: KubeObject, type: CsrConditionType): boolean {
  return conditionsOf(csr).some((c) => c.type === type && (c.status === 'True' || !c.status));
}

/** GetCertApprovalCondition. */
export function approvalState(csr: KubeObject): { approved: boolean; denied: boolean } {
  let approved = false;
  let denied = false;
  for (const c of conditionsOf(csr)) {
    if (c.type === 'Approved') approved = true;
    if (c.type === 'Denied') denied = true;
  }
  return { approved, denied };
}

/** IsCertificateRequestApproved: approved and not denied. */
export function isApproved(csr: KubeObject): boolean {
  const { approved, denied } = approvalState(csr);
  return approved && !denied;
}

/** The CONDITION column of `kubectl get csr` (printers.go extractCSRStatus). */
export function conditionSummary(csr: KubeObject): string {
  let approved = false;
  let denied = false;
  let failed = false;
  for (const c of conditionsOf(csr)) {
    if (c.type === 'Approved') approved = true;
    else if (c.type === 'Denied') denied = true;
    else if (c.type === 'Failed') failed = true;
  }
  let status = denied ? 'Denied' : approved ? 'Approved' : 'Pending';
  if (failed) status += ',Failed';
  if (certificateBytes(csr).length > 0) status += ',Issued';
  return status;
}

export class CsrRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsrRequestError';
  }
}

/**
 * certificates.ParseCSR: the first PEM block must be a `CERTIFICATE REQUEST` holding a PKCS#10 request. The
 * self-signature is not checked here (see signatureError); errors carry Go's texts.
 */
export async function parseCsrRequest(pem: Buffer | undefined): Promise<ParsedCsr> {
  // pem.Decode, once: latin1 keeps one character per byte, as Go reads the bytes.
  const block = decodePem((pem ?? Buffer.alloc(0)).toString('latin1'))?.block;
  if (!block || block.type !== 'CERTIFICATE REQUEST')
    throw new CsrRequestError('PEM block type must be CERTIFICATE REQUEST');
  try {
    return await parseCsr(block.der);
  } catch {
    throw new CsrRequestError('x509: malformed certificate request');
  }
}

/** CertificateRequest.CheckSignature's error text, or null when the signature verifies. */
export function signatureError(csr: ParsedCsr): string | null {
  if (csr.signatureValid) return null;
  switch (csr.publicKeyAlgorithm) {
    case 'RSA':
      return 'crypto/rsa: verification error';
    case 'ECDSA':
      return 'x509: ECDSA verification failure';
    case 'Ed25519':
      return 'x509: Ed25519 verification failure';
    default:
      return 'x509: cannot verify signature: algorithm unimplemented';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Validation (validation.go).

const TRUE_CONDITION_TYPES = new Set(['Approved', 'Denied', 'Failed']);
const TRUE_STATUS_ONLY = ['True'];
const ALL_STATUS_VALUES = ['False', 'True', 'Unknown'];
const VALID_USAGES = new Set(KNOWN_CSR_USAGES);
const SORTED_USAGES = [...KNOWN_CSR_USAGES].sort();
const DNS1123_SUBDOMAIN_MAX = 253;
const DNS1123_LABEL_MAX = 63;

/** The update paths and the compatibility exceptions of certificateValidationOptions. */
export interface CsrValidationOptions {
  allowSettingApprovalConditions?: boolean;
  allowSettingCertificate?: boolean;
  allowBothApprovedAndDenied?: boolean;
  allowResettingCertificate?: boolean;
  allowLegacySignerName?: boolean;
  allowDuplicateConditionTypes?: boolean;
  allowEmptyConditionType?: boolean;
  allowArbitraryCertificate?: boolean;
  allowUnknownUsages?: boolean;
  allowDuplicateUsages?: boolean;
}

function duplicates<T>(items: T[]): boolean {
  return new Set(items).size !== items.length;
}

/** getValidationOptions: problems already present in the stored object are tolerated (compatibility). */
export function validationOptions(next: KubeObject, old?: KubeObject): CsrValidationOptions {
  if (!old) return {};
  const oldSpec = asCsr(old).spec;
  const oldConds = conditionsOf(old);
  const oldUsages = Array.isArray(oldSpec.usages) ? oldSpec.usages : [];
  const { approved, denied } = approvalState(old);
  const sameCert = certificateBytes(next).equals(certificateBytes(old));
  return {
    allowBothApprovedAndDenied: approved && denied,
    allowLegacySignerName: oldSpec.signerName === LEGACY_UNKNOWN_SIGNER,
    allowDuplicateConditionTypes: duplicates(oldConds.map((c) => c.type)),
    allowEmptyConditionType: oldConds.some((c) => !c.type),
    allowArbitraryCertificate: sameCert || certificateError(certificateBytes(old)) !== null,
    allowUnknownUsages: oldUsages.some((u) => !VALID_USAGES.has(u)),
    allowDuplicateUsages: duplicates(oldUsages),
  };
}

const HEX_DIGITS = Buffer.from('0123456789abcdef');

/** Go's %#v of a []byte, which is how field.Invalid renders spec.request. */
export function goByteSlice(b: Buffer | undefined): string {
  if (b === undefined) return '[]byte(nil)';
  // A request may be megabytes: written byte by byte into one buffer ("0xNN, " is at most 6 bytes per byte).
  const out = Buffer.allocUnsafe(8 + b.length * 6);
  let n = out.write('[]byte{', 0, 'latin1');
  for (let i = 0; i < b.length; i++) {
    if (i > 0) {
      out[n++] = 0x2c; // ,
      out[n++] = 0x20;
    }
    out[n++] = 0x30; // 0
    out[n++] = 0x78; // x
    const v = b[i]!;
    if (v >= 16) out[n++] = HEX_DIGITS[v >> 4]!;
    out[n++] = HEX_DIGITS[v & 15]!;
  }
  out[n++] = 0x7d; // }
  return out.toString('latin1', 0, n);
}

function tooLong(field: string, max: number): FieldError {
  return { type: 'FieldValueTooLong', field, message: `Too long: must have at most ${max} bytes` };
}

/** ValidateSignerName (k8s/pkg/apis/core/validation): `example.com/path`, at most 571 characters. */
export function validateSignerName(field: string, signerName: string): FieldError[] {
  if (!signerName) return [fieldRequired(field)];
  const segments = signerName.split('/');
  if (segments.length !== 2) {
    return [
      fieldInvalid(
        field,
        signerName,
        "must be a fully qualified domain and path of the form 'example.com/signer-name'",
      ),
    ];
  }
  const [domain, path] = segments as [string, string];
  const errs: FieldError[] = [];
  if (domain.length > DNS1123_SUBDOMAIN_MAX) errs.push(tooLong(field, DNS1123_SUBDOMAIN_MAX));
  const domainLabels = domain.split('.');
  for (const label of domainLabels) {
    const bad = dns1123Label(label);
    if (bad.length) {
      for (const m of bad) errs.push(fieldInvalid(field, domain, `validating label ${JSON.stringify(label)}: ${m}`));
      break;
    }
  }
  if (domainLabels.length < 2)
    errs.push(fieldInvalid(field, domain, 'should be a domain with at least two segments separated by dots'));
  for (const label of path.split('.')) {
    const bad = dns1123Subdomain(label);
    if (bad.length) {
      for (const m of bad) errs.push(fieldInvalid(field, path, `validating label ${JSON.stringify(label)}: ${m}`));
      break;
    }
  }
  const max = DNS1123_SUBDOMAIN_MAX + (DNS1123_SUBDOMAIN_MAX + DNS1123_LABEL_MAX + 1) + 1;
  if (signerName.length > max) errs.push(tooLong(field, max));
  return errs;
}

/** validateCertificate: zero bytes, or only header-less CERTIFICATE blocks that parse. Returns the error text. */
export function certificateError(pem: Buffer): string | null {
  if (pem.length === 0) return null;
  const blocks = decodePemBlocks(pem.toString('latin1'));
  for (const b of blocks) {
    if (b.type !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(b.type)}`;
    if (b.hasHeaders) return 'no PEM block headers are permitted';
    try {
      readCertificate(b.der);
    } catch {
      return 'x509: malformed certificate';
    }
  }
  if (blocks.length === 0) return 'must contain at least one CERTIFICATE PEM block';
  return null;
}

function validateConditions(csr: KubeObject, opts: CsrValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let hasApproved = false;
  let hasDenied = false;
  conditionsOf(csr).forEach((c, i) => {
    const f = `status.conditions[${i}]`;
    if (!opts.allowEmptyConditionType && !c.type) errs.push(fieldRequired(`${f}.type`));
    const allowed = TRUE_CONDITION_TYPES.has(c.type) ? TRUE_STATUS_ONLY : ALL_STATUS_VALUES;
    if (!c.status) errs.push(fieldRequired(`${f}.status`));
    else if (!allowed.includes(c.status)) errs.push(fieldNotSupported(`${f}.status`, c.status, allowed));
    if (!opts.allowBothApprovedAndDenied) {
      if (c.type === 'Approved') {
        hasApproved = true;
        if (hasDenied)
          errs.push(fieldInvalid(`${f}.type`, c.type, 'Approved and Denied conditions are mutually exclusive'));
      } else if (c.type === 'Denied') {
        hasDenied = true;
        if (hasApproved)
          errs.push(fieldInvalid(`${f}.type`, c.type, 'Approved and Denied conditions are mutually exclusive'));
      }
    }
    if (!opts.allowDuplicateConditionTypes) {
      if (seen.has(c.type)) errs.push(fieldDuplicate(`${f}.type`, c.type));
      seen.add(c.type);
    }
  });
  return errs;
}

/** validateCertificateSigningRequest: the checks shared by create and every update path. */
export async function validateCsr(obj: KubeObject, opts: CsrValidationOptions = {}): Promise<FieldError[]> {
  const csr = asCsr(obj);
  const spec = csr.spec;
  const errs: FieldError[] = [];
  const request = requestBytes(csr);
  let requestProblem: string | null;
  try {
    requestProblem = signatureError(await parseCsrRequest(request));
  } catch (e) {
    requestProblem = (e as Error).message;
  }
  if (requestProblem)
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.request',
      message: `Invalid value: ${goByteSlice(request)}: ${requestProblem}`,
    });
  const usages = Array.isArray(spec.usages) ? spec.usages : [];
  if (usages.length === 0) errs.push(fieldRequired('spec.usages'));
  if (!opts.allowUnknownUsages) {
    usages.forEach((u, i) => {
      if (!VALID_USAGES.has(u)) errs.push(fieldNotSupported(`spec.usages[${i}]`, u, SORTED_USAGES));
    });
  }
  if (!opts.allowDuplicateUsages) {
    const seen = new Set<string>();
    usages.forEach((u, i) => {
      if (seen.has(u)) errs.push(fieldDuplicate(`spec.usages[${i}]`, u));
      seen.add(u);
    });
  }
  const signerName = spec.signerName ?? '';
  if (!opts.allowLegacySignerName && signerName === LEGACY_UNKNOWN_SIGNER) {
    errs.push(fieldInvalid('spec.signerName', signerName, 'the legacy signerName is not allowed via this API version'));
  } else {
    errs.push(...validateSignerName('spec.signerName', signerName));
  }
  if (typeof spec.expirationSeconds === 'number' && spec.expirationSeconds < 600) {
    errs.push(
      fieldInvalid(
        'spec.expirationSeconds',
        spec.expirationSeconds,
        'may not specify a duration less than 600 seconds (10 minutes)',
      ),
    );
  }
  errs.push(...validateConditions(csr, opts));
  if (!opts.allowArbitraryCertificate) {
    const problem = certificateError(certificateBytes(csr));
    if (problem) errs.push(fieldInvalid('status.certificate', '<certificate data>', problem));
  }
  return errs;
}

function conditionsOfType(csr: KubeObject, type: string): CsrCondition[] {
  return conditionsOf(csr).filter((c) => c.type === type);
}

/** A short rendering of a condition change (Kubernetes appends a cmp.Diff of the two lists). */
function conditionDiff(before: CsrCondition[], after: CsrCondition[]): string {
  return [...before.map((c) => `- ${JSON.stringify(c)}`), ...after.map((c) => `+ ${JSON.stringify(c)}`)].join('\n');
}

/** validateCertificateSigningRequestUpdate, for the main resource ({}), /status and /approval. */
export async function validateCsrUpdate(
  next: KubeObject,
  old: KubeObject,
  path: { allowSettingApprovalConditions?: boolean; allowSettingCertificate?: boolean } = {},
): Promise<FieldError[]> {
  const opts: CsrValidationOptions = { ...validationOptions(next, old), ...path, allowResettingCertificate: false };
  const errs = await validateCsr(next, opts);
  for (const t of ['Approved', 'Denied', 'Failed']) {
    if (conditionsOfType(next, t).length < conditionsOfType(old, t).length) {
      errs.push(fieldForbidden('status.conditions', `updates may not remove a condition of type ${JSON.stringify(t)}`));
    }
  }
  if (!opts.allowSettingApprovalConditions) {
    for (const t of ['Approved', 'Denied']) {
      const before = conditionsOfType(old, t);
      const after = conditionsOfType(next, t);
      if (after.length > before.length) {
        errs.push(fieldForbidden('status.conditions', `updates may not add a condition of type ${JSON.stringify(t)}`));
      } else if (after.length === before.length && JSON.stringify(after) !== JSON.stringify(before)) {
        errs.push(
          fieldForbidden(
            'status.conditions',
            `updates may not modify a condition of type ${JSON.stringify(t)}\n${conditionDiff(before, after)}`,
          ),
        );
      }
    }
  }
  if (!certificateBytes(next).equals(certificateBytes(old))) {
    if (!opts.allowSettingCertificate) {
      errs.push(fieldForbidden('status.certificate', 'updates may not set certificate content'));
    } else if (!opts.allowResettingCertificate && certificateBytes(old).length > 0) {
      errs.push(fieldForbidden('status.certificate', 'updates may not modify existing certificate content'));
    }
  }
  return errs;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding: the JSON shapes a Go client would refuse to decode are 400s, as kube-apiserver answers them.

function cannotDecode(detail: string): never {
  throw badRequest(
    `CertificateSigningRequest in version "v1" cannot be handled as a CertificateSigningRequest: ${detail}`,
  );
}

/** A character of the standard base64 alphabet (one comparison chain: this runs once per character). */
function isBase64Char(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
}

/** encoding/json's []byte: standard base64 with padding, CR/LF ignored. Returns the canonical form. */
export function canonicalBase64(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    cannotDecode(`json: cannot unmarshal ${typeof value} into Go struct field ${field} of type []uint8`);
  let quantum = 0;
  let quantumStart = 0;
  let padded = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\r' || ch === '\n') continue;
    if (padded && ch !== '=') cannotDecode(`illegal base64 data at input byte ${i}`);
    if (ch === '=') {
      if (quantum < 2) cannotDecode(`illegal base64 data at input byte ${i}`);
      padded = true;
    } else if (!isBase64Char(value.charCodeAt(i))) {
      cannotDecode(`illegal base64 data at input byte ${i}`);
    }
    if (quantum === 0) quantumStart = i;
    quantum = (quantum + 1) % 4;
  }
  if (quantum !== 0) cannotDecode(`illegal base64 data at input byte ${quantumStart}`);
  return Buffer.from(value, 'base64').toString('base64');
}

const SPEC_FIELDS = [
  'request',
  'signerName',
  'expirationSeconds',
  'usages',
  'username',
  'uid',
  'groups',
  'extra',
] as const;

function decodeSpec(raw: unknown): CsrSpec {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    cannotDecode(
      'json: cannot unmarshal into Go struct field CertificateSigningRequest.spec of type v1.CertificateSigningRequestSpec',
    );
  const src = raw as Record<string, unknown>;
  const spec: Record<string, unknown> = {};
  for (const k of SPEC_FIELDS) if (src[k] !== undefined && src[k] !== null) spec[k] = src[k];
  const request = canonicalBase64(src.request, 'CertificateSigningRequest.spec.request');
  if (request === undefined) delete spec.request;
  else spec.request = request;
  if (spec.expirationSeconds !== undefined && !Number.isInteger(spec.expirationSeconds)) {
    cannotDecode(
      'json: cannot unmarshal into Go struct field CertificateSigningRequestSpec.spec.expirationSeconds of type int32',
    );
  }
  if (spec.usages !== undefined && (!Array.isArray(spec.usages) || spec.usages.some((u) => typeof u !== 'string'))) {
    cannotDecode(
      'json: cannot unmarshal into Go struct field CertificateSigningRequestSpec.spec.usages of type []v1.KeyUsage',
    );
  }
  return spec as CsrSpec;
}

function decodeStatus(raw: unknown): CsrStatus | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw))
    cannotDecode(
      'json: cannot unmarshal into Go struct field CertificateSigningRequest.status of type v1.CertificateSigningRequestStatus',
    );
  const src = raw as Record<string, unknown>;
  const status: CsrStatus = {};
  if (src.conditions !== undefined && src.conditions !== null) {
    if (
      !Array.isArray(src.conditions) ||
      src.conditions.some((c) => typeof c !== 'object' || c === null || Array.isArray(c))
    ) {
      cannotDecode(
        'json: cannot unmarshal into Go struct field CertificateSigningRequestStatus.status.conditions of type []v1.CertificateSigningRequestCondition',
      );
    }
    // Go's omitempty: an empty list is not written back.
    if (src.conditions.length) status.conditions = src.conditions as CsrCondition[];
  }
  const cert = canonicalBase64(src.certificate, 'CertificateSigningRequest.status.certificate');
  if (cert !== undefined && cert !== '') status.certificate = cert;
  return status;
}

/** Only the fields a CertificateSigningRequest has survive decoding (Go drops unknown fields). */
function keepKnownFields(obj: KubeObject): void {
  for (const k of Object.keys(obj))
    if (!['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(k)) delete obj[k];
}

function setStatus(obj: KubeObject, status: CsrStatus | undefined): void {
  if (status === undefined) delete obj.status;
  else obj.status = status;
}

/** populateConditionTimestamps: lastUpdateTime now when missing; lastTransitionTime kept from an equal old condition. */
export function populateConditionTimestamps(next: KubeObject, old: KubeObject, now = new Date()): void {
  const ts = kubeTime(now);
  for (const c of conditionsOf(next)) {
    if (!c.lastUpdateTime) c.lastUpdateTime = ts;
    if (!c.lastTransitionTime) {
      const same = conditionsOf(old).find((o) => o.type === c.type && o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = same?.lastTransitionTime ?? ts;
    }
  }
}

/** preserveConditionInstances: /status may not touch Approved/Denied, so their stored values are copied back. */
function preserveConditionInstances(next: KubeObject, old: KubeObject, type: string): void {
  const conds = conditionsOf(next);
  const newIdx = conds.map((c, i) => (c.type === type ? i : -1)).filter((i) => i >= 0);
  const oldInstances = conditionsOfType(old, type);
  if (newIdx.length !== oldInstances.length) return;
  newIdx.forEach((idx, i) => {
    conds[idx] = structuredClone(oldInstances[i]!);
  });
}

function stampRequester(spec: CsrSpec, ctx: RequestContext): void {
  delete spec.username;
  delete spec.uid;
  delete spec.groups;
  delete spec.extra;
  const user = ctx.user;
  spec.username = user.username;
  if (user.uid) spec.uid = user.uid;
  if (user.groups?.length) spec.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) spec.extra = structuredClone(user.extra);
}

export const csrStrategy: Strategy = {
  prepareForCreate(obj, ctx) {
    const spec = decodeSpec(obj.spec);
    stampRequester(spec, ctx);
    keepKnownFields(obj);
    obj.spec = spec;
    // Users cannot create pre-approved (or pre-issued) requests.
    obj.status = {};
  },
  prepareForUpdate(obj, old) {
    // Requests are immutable after creation except through the subresources.
    keepKnownFields(obj);
    obj.spec = structuredClone(asCsr(old).spec);
    setStatus(obj, old.status === undefined ? undefined : structuredClone(old.status as CsrStatus));
  },
  validate: (obj) => validateCsr(obj, validationOptions(obj)),
  validateUpdate: (obj, old) => validateCsrUpdate(obj, old),
  generationChanged: () => false,
};

export const csrStatusStrategy: Strategy = {
  prepareForUpdate(obj, old) {
    const status = decodeStatus(obj.status);
    keepKnownFields(obj);
    obj.spec = structuredClone(asCsr(old).spec);
    setStatus(obj, status);
    preserveConditionInstances(obj, old, 'Approved');
    preserveConditionInstances(obj, old, 'Denied');
    populateConditionTimestamps(obj, old);
  },
  validateUpdate: (obj, old) => validateCsrUpdate(obj, old, { allowSettingCertificate: true }),
  generationChanged: () => false,
};

export const csrApprovalStrategy: Strategy = {
  prepareForUpdate(obj, old) {
    const conditions = decodeStatus(obj.status)?.conditions;
    keepKnownFields(obj);
    obj.spec = structuredClone(asCsr(old).spec);
    const status: CsrStatus = structuredClone((old.status as CsrStatus | undefined) ?? {});
    if (conditions === undefined) delete status.conditions;
    else status.conditions = conditions;
    obj.status = status;
    populateConditionTimestamps(obj, old);
  },
  validateUpdate: (obj, old) => validateCsrUpdate(obj, old, { allowSettingApprovalConditions: true }),
  generationChanged: () => false,
};

// ---------------------------------------------------------------------------------------------------------------
// `kubectl get csr`: NAME, AGE, SIGNERNAME, REQUESTOR, REQUESTEDDURATION, CONDITION (printers.go).

const column = (name: string, description: string, format?: string): TableColumn => ({
  name,
  type: 'string',
  ...(format ? { format } : {}),
  description,
  priority: 0,
});

/** HumanDuration of spec.expirationSeconds, `<none>` when unset. */
export function requestedDuration(csr: KubeObject): string {
  const s = asCsr(csr).spec.expirationSeconds;
  return typeof s === 'number' ? humanDuration(s * 1000) : '<none>';
}

export const CSR_TABLE: TableConvertor = {
  columns: [
    column(
      'Name',
      'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
      'name',
    ),
    column(
      'Age',
      'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
    ),
    column('SignerName', 'signerName indicates the requested signer, and is a qualified name.'),
    column(
      'Requestor',
      'request contains an x509 certificate signing request encoded in a "CERTIFICATE REQUEST" PEM block. When serialized as JSON or YAML, the data is additionally base64-encoded.',
    ),
    column('RequestedDuration', 'expirationSeconds is the requested duration of validity of the issued certificate.'),
    column('Condition', 'conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".'),
  ],
  cells: (o) => {
    const spec = asCsr(o).spec;
    return [
      o.metadata.name,
      age(o.metadata.creationTimestamp),
      spec.signerName || '<none>',
      spec.username ?? '',
      requestedDuration(o),
      conditionSummary(o),
    ];
  },
};

export const certificateSigningRequests: ResourceDef = {
  group: CERTIFICATES_GROUP,
  version: 'v1',
  resource: 'certificatesigningrequests',
  kind: 'CertificateSigningRequest',
  listKind: 'CertificateSigningRequestList',
  singularName: 'certificatesigningrequest',
  namespaced: false,
  shortNames: ['csr'],
  verbs: ALL_VERBS,
  // Kubernetes accepts any name; it still has to work as one URL path segment.
  nameValidator: pathSegmentName,
  strategy: csrStrategy,
  table: CSR_TABLE,
  fieldLabels: { 'spec.signerName': (o) => asCsr(o).spec.signerName ?? '' },
  subresources: {
    approval: { verbs: ['get', 'update', 'patch'], updateStrategy: csrApprovalStrategy },
    status: { verbs: ['get', 'update', 'patch'], updateStrategy: csrStatusStrategy },
  },
};
