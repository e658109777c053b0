// The request audit log (docs/audit-log.md): kube-apiserver's --audit-policy-file, --audit-log-* and
// --audit-webhook-* flags turned into one Auditor that the API server calls along each request.
import type { ControlPlaneConfig } from '../controlplane/config.js';
import { log } from '../log.js';
import { AuditPolicyError, loadPolicyFile, type PolicyChecker } from './policy.js';
import { Auditor, type AuditRequestInfo } from './request-audit.js';
import type { AuditBackend } from './types.js';

export { Auditor, RequestAudit, AUDIT_ID_HEADER, type AuthorizationRecord } from './request-audit.js';
export { AuditPolicyError, parsePolicy, PolicyChecker } from './policy.js';

export type AuditConfig = Pick<
  ControlPlaneConfig,
  | 'auditPolicyFile'
  | 'auditLogPath'
  | 'auditLogMaxage'
  | 'auditLogMaxbackup'
  | 'auditLogMaxsize'
  | 'auditWebhookConfigFile'
  | 'auditWebhookBatchMaxSize'
  | 'auditWebhookBatchMaxWait'
  | 'auditWebhookBatchBufferSize'
  | 'auditWebhookInitialBackoff'
>;

/** The start-up check of --audit-policy-file: kube's error, as one line, or nothing. */
export function auditPolicyProblem(path: string): string | undefined {
  try {
    loadPolicyFile(path);
    return undefined;
  } catch (e) {
    return e instanceof AuditPolicyError ? e.message : (e as Error).message;
  }
}

/**
 * The Auditor for a config. Audit is on when a policy and at least one backend are given (as kube: a backend
 * without a policy records nothing); either way every response carries its Audit-ID.
 */
export async function setupAudit(
  config: AuditConfig,
  /** The server's long-running check (watch, exec…): those requests get a ResponseStarted event. */
  isLongRunning: (info: AuditRequestInfo) => boolean,
): Promise<Auditor> {
  const policy: PolicyChecker | undefined = config.auditPolicyFile ? loadPolicyFile(config.auditPolicyFile) : undefined;
  const backends: AuditBackend[] = [];
  try {
    // The backends' modules load only when configured (start-up time).
    if (config.auditLogPath) {
      const { LogBackend } = await import('./log-backend.js');
      const logOptions = {
        path: config.auditLogPath,
        maxAgeDays: config.auditLogMaxage,
        maxBackups: config.auditLogMaxbackup,
        maxSizeMegabytes: config.auditLogMaxsize,
      };
      // kube's ensureLogFile: a path that cannot be written stops the start, naming the flag.
      backends.push(
        await LogBackend.open(logOptions).catch((e: Error) => {
          throw new Error(`--audit-log-path: ${e.message}`);
        }),
      );
    }
    if (config.auditWebhookConfigFile) {
      const { WebhookBackend } = await import('./webhook-backend.js');
      const { loadWebhookKubeconfig } = await import('../webhook/kubeconfig.js');
      backends.push(
        new WebhookBackend(loadWebhookKubeconfig(config.auditWebhookConfigFile), {
          maxBatchSize: config.auditWebhookBatchMaxSize,
          maxWaitMs: config.auditWebhookBatchMaxWait * 1000,
          bufferSize: config.auditWebhookBatchBufferSize,
          initialBackoffMs: config.auditWebhookInitialBackoff * 1000,
        }),
      );
    }
  } catch (e) {
    await Promise.all(backends.map((b) => b.close()));
    throw e;
  }
  if (!policy && backends.length) log.info('No audit policy file provided, no events will be recorded');
  if (policy && !backends.length)
    log.info('An audit policy without --audit-log-path or --audit-webhook-config-file records nothing');
  return new Auditor(policy, backends, isLongRunning);
}
