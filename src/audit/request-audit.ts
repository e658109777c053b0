// The audit filters of kube's chain (endpoints/filters/audit.go, audit_init.go, authorization.go's annotations):
// one RequestAudit per request follows it from arrival to the end of its response. The policy is evaluated on the
// authenticated user, right after authentication (audit runs before impersonation in kube), and events leave at
// RequestReceived, ResponseStarted (long-running requests such as watch) and ResponseComplete; a failed
// authentication is one ResponseStarted event (WithFailedAuthenticationAudit).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeProtobufObject } from '../api/protobuf/decode.js';
import type { UserInfo } from '../authn/interfaces.js';
import {
  completeObjectRef,
  orderedObjectRef,
  eventUser,
  isRecord,
  microTime,
  objectRefOf,
  plainStatus,
  redactSecretPayload,
  sourceIps,
  statusFromBody,
  userAgentOf,
  withoutManagedFields,
  type ObjectRefSource,
} from './event.js';
import type { PolicyChecker } from './policy.js';
import {
  levelAtLeast,
  type AuditAttributes,
  type AuditBackend,
  type AuditEvent,
  type EventUser,
  type ObjectReference,
  type RequestAuditConfig,
  type ResponseStatus,
  type Stage,
} from './types.js';

export const AUDIT_ID_HEADER = 'Audit-ID';
export const DECISION_ANNOTATION = 'authorization.k8s.io/decision';
export const REASON_ANNOTATION = 'authorization.k8s.io/reason';

/** A response body kept to read its Status at Metadata level (Status objects are small). */
const MAX_STATUS_BODY = 64 * 1024;
/** A response body kept for responseObject at RequestResponse; a larger one is logged without it. */
const MAX_RESPONSE_OBJECT_BODY = 8 * 1024 * 1024;

/** What the request path knows when the policy is evaluated (the request info plus the user). */
export type AuditRequestInfo = ObjectRefSource & Omit<AuditAttributes, 'user'>;

export interface AuthorizationRecord {
  decision: 'allow' | 'forbid' | 'error';
  reason: string;
}

export class Auditor {
  constructor(
    /** Absent: no --audit-policy-file, so nothing is audited (the Audit-ID header is still sent, as kube does). */
    private readonly policy: PolicyChecker | undefined,
    private readonly backends: AuditBackend[],
    /** Which requests are long-running (a ResponseStarted event when their headers go out). */
    private readonly isLongRunning: (info: AuditRequestInfo) => boolean,
  ) {}

  get enabled(): boolean {
    return this.policy !== undefined && this.backends.length > 0;
  }

  get dropped(): number {
    return this.backends.reduce((n, b) => n + b.dropped, 0);
  }

  /** WithAuditInit: the request's audit ID (the client's Audit-ID header, else a new UUID), echoed in the response. */
  begin(req: IncomingMessage, res: ServerResponse, receivedAt: number): RequestAudit | undefined {
    const given = req.headers['audit-id'];
    const auditId = typeof given === 'string' && given !== '' ? given : randomUUID();
    if (!res.hasHeader(AUDIT_ID_HEADER)) res.setHeader(AUDIT_ID_HEADER, auditId);
    // Without a policy and a backend nothing is recorded: no per-request state beyond the header.
    return this.enabled ? new RequestAudit(this, req, res, auditId, performance.timeOrigin + receivedAt) : undefined;
  }

  /** @internal */
  evaluate(attrs: AuditAttributes): RequestAuditConfig | undefined {
    if (!this.enabled) return undefined;
    const config = this.policy!.evaluate(attrs);
    return config.level === 'None' ? undefined : config;
  }

  /** @internal */
  longRunning(info: AuditRequestInfo): boolean {
    return this.isLongRunning(info);
  }

  /** @internal */
  emit(json: string): void {
    for (const b of this.backends) b.processEvent(json);
  }

  async close(): Promise<void> {
    await Promise.all(this.backends.map((b) => b.close()));
  }
}

/** One request's audit event as it grows; snapshots of it are emitted at each stage. */
export class RequestAudit {
  private config?: RequestAuditConfig;
  private info?: AuditRequestInfo;
  private user: EventUser = {};
  private impersonatedUser?: EventUser;
  private objectRef?: ObjectReference;
  private requestObject?: unknown;
  private responseStatus?: ResponseStatus;
  private annotations?: Record<string, string>;
  private responseBody?: Buffer[];
  private responseBodyBytes = 0;
  private responseBodyLimit = 0;
  private started = false;
  private finished = false;

  constructor(
    private readonly auditor: Auditor,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly auditId: string,
    private readonly receivedEpochMs: number,
  ) {}

  get level(): string {
    return this.config?.level ?? 'None';
  }

  /** WithAudit, after authentication: evaluate the policy and send RequestReceived. */
  authenticated(info: AuditRequestInfo, requester: UserInfo): void {
    this.start(info, requester, false);
  }

  /** WithFailedAuthenticationAudit: the policy sees no user; one event when the 401 goes out. */
  authenticationFailed(info: AuditRequestInfo): void {
    this.start(info, undefined, true);
  }

  /** WithImpersonation's LogImpersonatedUser. */
  impersonated(user: UserInfo): void {
    if (this.config) this.impersonatedUser = eventUser(user);
  }

  /** WithAuthorization's annotations: decision allow/forbid and the authorizer's reason; an error's reason only. */
  authorized(record: AuthorizationRecord): void {
    if (!this.config) return;
    this.annotations ??= {};
    if (record.decision === 'error') {
      this.annotations[REASON_ANNOTATION] = 'internal error';
      return;
    }
    this.annotations[DECISION_ANNOTATION] = record.decision;
    this.annotations[REASON_ANNOTATION] = record.reason;
  }

  /** LogRequestObject / LogRequestPatch: the decoded body from level Request up (it also names what a create makes). */
  requestBody(body: Buffer | undefined): void {
    const config = this.config;
    if (!config || !body?.length || !this.info) return;
    const wantObject = levelAtLeast(config.level, 'Request');
    if (!wantObject && this.objectRef?.name) return;
    const parsed = decodeRequestBody(body, this.req.headers['content-type']);
    if (parsed === undefined) return;
    completeObjectRef(this.objectRef, parsed);
    if (!wantObject) return;
    let object = config.omitManagedFields ? withoutManagedFields(parsed) : parsed;
    if (config.level === 'Request' && isSecret(this.info)) object = redactSecretPayload(object);
    this.requestObject = object;
  }

  private start(info: AuditRequestInfo, user: UserInfo | undefined, failedAuthentication: boolean): void {
    const config = this.auditor.evaluate({ ...info, user });
    if (!config) return;
    this.config = config;
    this.info = info;
    this.user = eventUser(user);
    this.objectRef = objectRefOf(info);
    const longRunning = !failedAuthentication && this.auditor.longRunning(info);
    // What the response tells the event: its code (and the Status of a failure), and at RequestResponse its object.
    const wantsObject = levelAtLeast(config.level, 'RequestResponse') && !longRunning;
    this.responseBodyLimit = wantsObject ? MAX_RESPONSE_OBJECT_BODY : MAX_STATUS_BODY;
    if (!longRunning) this.captureBody();
    this.watchHead(longRunning);
    if (failedAuthentication) {
      this.res.once('close', () => this.finishFailedAuthentication());
      return;
    }
    this.emit('RequestReceived');
    this.res.once('close', () => this.finish(longRunning, wantsObject));
  }

  /** auditResponseWriter.processCode: the status code once headers go out; long-running requests send ResponseStarted. */
  private watchHead(emitStarted: boolean): void {
    const res = this.res;
    const writeHead = res.writeHead;
    const onHead = (): void => {
      if (this.started) return;
      this.started = true;
      this.responseStatus = plainStatus(res.statusCode);
      if (emitStarted && !this.finished) this.emit('ResponseStarted');
    };
    res.writeHead = function auditedWriteHead(this: ServerResponse, ...args: unknown[]) {
      const out = (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
      onHead();
      return out;
    } as typeof res.writeHead;
    const write = res.write;
    res.write = function auditedWrite(this: ServerResponse, ...args: unknown[]) {
      const out = (write as (...a: unknown[]) => boolean).apply(this, args);
      onHead();
      return out;
    } as typeof res.write;
  }

  /** Keeps a bounded copy of the body written, to read a Status (or the responseObject) from it at the end. */
  private captureBody(): void {
    const res = this.res;
    this.responseBody = [];
    const keep = (chunk: unknown, encoding: unknown): void => {
      if (!this.responseBody || chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      this.responseBodyBytes += buf.length;
      if (this.responseBodyBytes > this.responseBodyLimit) this.responseBody = undefined;
      else this.responseBody.push(buf);
    };
    const write = res.write;
    res.write = function capturingWrite(this: ServerResponse, ...args: unknown[]) {
      keep(args[0], args[1]);
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof res.write;
    const end = res.end;
    res.end = function capturingEnd(this: ServerResponse, ...args: unknown[]) {
      keep(args[0], args[1]);
      return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof res.end;
  }

  private finish(longRunning: boolean, wantsObject: boolean): void {
    if (this.finished) return;
    const res = this.res;
    const written = this.responseBody && res.headersSent ? Buffer.concat(this.responseBody) : undefined;
    // Below RequestResponse only a Status matters: skip parsing bodies that cannot be one.
    const body = written && (wantsObject || written.includes('"Status"')) ? parseJson(written) : undefined;
    if (res.headersSent) {
      this.responseStatus = statusFromBody(res.statusCode, body);
      if (wantsObject && body !== undefined) {
        this.responseObject = this.config!.omitManagedFields ? withoutManagedFields(body) : body;
      }
    } else if (longRunning) {
      // The connection closed before any header: kube fakes the ResponseStarted it never saw.
      this.responseStatus = closedEarly();
      this.emit('ResponseStarted');
    }
    this.responseStatus ??= closedEarly();
    this.finished = true;
    this.emit('ResponseComplete');
  }

  private responseObject?: unknown;

  private finishFailedAuthentication(): void {
    const res = this.res;
    const body = this.responseBody && res.headersSent ? parseJson(Buffer.concat(this.responseBody)) : undefined;
    this.responseStatus = statusFromBody(res.headersSent ? res.statusCode : 401, body);
    this.finished = true;
    this.emit('ResponseStarted');
  }

  /** processAuditEvent: skip omitted stages; RequestReceived is stamped with the arrival time. */
  private emit(stage: Stage): void {
    const config = this.config!;
    if (config.omitStages.includes(stage)) return;
    const stageTime = stage === 'RequestReceived' ? this.receivedEpochMs : performance.timeOrigin + performance.now();
    // Built in kube's field order, so a line reads as kube-apiserver's do.
    const ev: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: config.level,
      auditID: this.auditId,
      stage,
      requestURI: this.req.url ?? '/',
      verb: this.info!.verb,
      user: this.user,
      impersonatedUser: this.impersonatedUser,
      sourceIPs: sourceIps(this.req),
      userAgent: userAgentOf(this.req),
      objectRef: this.objectRef && orderedObjectRef(this.objectRef),
      responseStatus: stage === 'RequestReceived' ? undefined : this.responseStatus,
      requestObject: this.requestObject,
      responseObject: stage === 'ResponseComplete' ? this.responseObject : undefined,
      requestReceivedTimestamp: microTime(this.receivedEpochMs),
      stageTimestamp: microTime(stageTime),
      annotations: this.annotations,
    } satisfies Record<keyof AuditEvent, unknown>;
    // Encoded now (undefined fields drop out): later stages change the event, and backends send it later.
    this.auditor.emit(JSON.stringify(ev));
  }
}

function closedEarly(): ResponseStatus {
  return { metadata: {}, status: 'Success', message: 'Connection closed early', code: 200 };
}

function isSecret(info: AuditRequestInfo): boolean {
  return info.apiGroup === '' && info.resource === 'secrets';
}

/**
 * A request body as the object kube would log: JSON as itself, protobuf (kubectl's typed clients send it)
 * through kauth's decoder. A body that does not decode is not logged (the handler answers it with its error).
 */
function decodeRequestBody(body: Buffer, contentType: string | undefined): unknown {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media !== PROTOBUF) return parseJson(body);
  try {
    return decodeProtobufObject(body);
  } catch {
    return undefined;
  }
}

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The body as JSON when it is JSON; anything else is not logged as an object. */
function parseJson(body: Buffer): unknown {
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] !== 0x7b && body[i] !== 0x5b) return undefined;
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return isRecord(v) || Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
