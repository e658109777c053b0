// One error type carrying a Kubernetes Status. Handlers throw it; src/server/respond.ts serialises it.
// Messages follow k8s.io/apimachinery/pkg/api/errors/errors.go word for word.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The wire shape of a metav1.Status. Key order matches kube-apiserver's JSON encoding. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A resource named as Kubernetes names it in messages: `pods`, `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

export function groupResourceString(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): Status {
    // Built field by field so the JSON key order is kube-apiserver's (details before code).
    const s: Partial<Status> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    };
    if (this.details !== undefined) s.details = this.details;
    s.code = this.code;
    return s as Status;
  }
}

function detailsFor(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

export function notFound(gr: GroupResource, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${groupResourceString(gr)} "${name}" not found`, detailsFor(gr, name));
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError(
    409,
    'AlreadyExists',
    `${groupResourceString(gr)} "${name}" already exists`,
    detailsFor(gr, name),
  );
}

export function conflict(gr: GroupResource, name: string, why: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${groupResourceString(gr)} "${name}": ${why}`,
    detailsFor(gr, name),
  );
}

export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** One field error, as field.Error renders it: `metadata.name: Invalid value: "x": reason`. */
export interface FieldError {
  type:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany'
    | 'FieldValueTypeInvalid';
  field: string;
  /** Rendered detail, e.g. `Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain …`. */
  message: string;
}

export function fieldInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${renderValue(value)}: ${detail}` };
}

export function fieldRequired(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

export function fieldForbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
}

export function fieldNotSupported(field: string, value: unknown, supported: string[]): FieldError {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return {
    type: 'FieldValueNotSupported',
    field,
    message: `Unsupported value: ${renderValue(value)}${supported.length ? `: supported values: ${list}` : ''}`,
  };
}

export function fieldDuplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${renderValue(value)}` };
}

function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

/** 422 Invalid, as NewInvalid: `Kind[.group] "name" is invalid: field: detail` (several errors as `[a, b]`). */
export function invalid(kind: string, name: string, group: string, errs: FieldError[]): StatusError {
  const rendered = errs.map((e) => `${e.field}: ${e.message}`);
  const agg = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  details.kind = kind;
  details.causes = errs.map((e) => ({ reason: e.type, message: e.message, field: e.field }));
  return new StatusError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${agg}`, details);
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function unauthorized(message = 'Unauthorized'): StatusError {
  return new StatusError(401, 'Unauthorized', message);
}

/** 403 as apierrors.NewForbidden builds it; `err` is the already-rendered reason text. */
export function forbidden(gr: GroupResource, name: string, err: string): StatusError {
  let message: string;
  if (!gr.group && !gr.resource) message = `forbidden: ${err}`;
  else if (!name) message = `${groupResourceString(gr)} is forbidden: ${err}`;
  else message = `${groupResourceString(gr)} "${name}" is forbidden: ${err}`;
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (gr.group) details.group = gr.group;
  if (gr.resource) details.kind = gr.resource;
  return new StatusError(403, 'Forbidden', message, details);
}

export function methodNotSupported(gr: GroupResource, verb: string): StatusError {
  return new StatusError(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${groupResourceString(gr)}"`,
    detailsFor(gr, ''),
  );
}

export function requestEntityTooLarge(limit: number): StatusError {
  return requestEntityTooLargeError(`limit is ${limit}`);
}

/** 413 as NewRequestEntityTooLargeError builds it: `Request entity too large: <message>`. */
export function requestEntityTooLargeError(message: string): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}

/** A plain Go error reaching the client (ErrorToAPIStatus' default case): 500, no reason, no details. */
export class UnknownStatusError extends StatusError {
  constructor(message: string) {
    super(500, '', message);
  }

  override toStatus(): Status {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, code: 500 };
  }
}

/**
 * etcd's answer to a write over its --max-request-bytes. kube-apiserver passes the gRPC error on as it is,
 * which ErrorToAPIStatus turns into a 500 with etcd's words (kubernetes/kubernetes#112152).
 */
export function etcdRequestTooLarge(): StatusError {
  return new UnknownStatusError('etcdserver: request is too large');
}

/** 504 as NewTimeoutError builds it (retryAfterSeconds 0 leaves details empty). */
export function timeoutError(message: string): StatusError {
  return new StatusError(504, 'Timeout', `Timeout: ${message}`, {});
}

/** The media types a body may be sent in: the serializers' own, or the patch types a resource accepts. */
export const BODY_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** 415 as negotiation.NewUnsupportedMediaTypeError builds it from the accepted media types. */
export function unsupportedMediaType(accepted: readonly string[] = BODY_MEDIA_TYPES): StatusError {
  return unsupportedMediaTypeError(
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function unsupportedMediaTypeError(message: string): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', message);
}

/** The mux's own 404 for a path nothing serves (kube's `404 page not found`, as a Status). */
export function pageNotFound(): StatusError {
  return new StatusError(404, 'NotFound', '404 page not found');
}

/** What the HTTP parser refuses before any handler runs: oversized headers (431) or a malformed request (400). */
export function malformedRequest(headersTooLarge: boolean): StatusError {
  return headersTooLarge
    ? new StatusError(431, 'RequestHeaderFieldsTooLarge', 'request headers too large')
    : new StatusError(400, 'BadRequest', 'malformed HTTP request');
}

/**
 * An answer kube-apiserver writes with Go's http.Error rather than a Status: plain text, a code and headers.
 * The authorization filter's 500 and the max-inflight filter's 429 are such answers.
 */
export class PlainTextError extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(text);
    this.name = 'PlainTextError';
  }
}

/**
 * responsewriters.InternalError: `Internal Server Error: "<RequestURI>": <err>`, with kube's sanitizer escaping
 * `&`, `<` and `>` so the text never reads as HTML (quotes are left alone).
 */
export function internalServerError(requestUri: string, err: string): PlainTextError {
  return new PlainTextError(500, escapeHtmlMarkup(`Internal Server Error: ${JSON.stringify(requestUri)}: ${err}`));
}

/** maxinflight.go's tooManyRequests: 429, `Retry-After: 1` and a fixed text. */
export function tooManyRequests(retryAfterSeconds = 1): PlainTextError {
  return new PlainTextError(429, 'Too many requests, please try again later.', {
    'Retry-After': String(retryAfterSeconds),
  });
}

/** responsewriters' sanitizer: strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;"). */
function escapeHtmlMarkup(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export function gone(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}
