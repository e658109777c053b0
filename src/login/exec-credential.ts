// The client-go credential plugin protocol (k8s.io/client-go/pkg/apis/clientauthentication): kubectl passes an
// ExecCredential in KUBERNETES_EXEC_INFO and reads one from the plugin's stdout, of the same apiVersion, with
// `status.token` and `status.expirationTimestamp` (it runs the plugin again once that time has passed).
import { kubeTime } from '../api/time.js';

export const EXEC_CREDENTIAL_V1 = 'client.authentication.k8s.io/v1';
const SUPPORTED_API_VERSIONS = [EXEC_CREDENTIAL_V1, 'client.authentication.k8s.io/v1beta1'];

export interface ExecInfo {
  apiVersion: string;
  /** Whether kubectl gave the plugin its stdin; absent when run by hand. */
  interactive?: boolean;
}

export interface ExecCredential {
  kind: 'ExecCredential';
  apiVersion: string;
  status: { token: string; expirationTimestamp: string };
}

export class ExecInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecInfoError';
  }
}

/** Reads KUBERNETES_EXEC_INFO; without it (run by hand) the answer is v1. */
export function parseExecInfo(value: string | undefined): ExecInfo {
  if (value === undefined || value.trim() === '') return { apiVersion: EXEC_CREDENTIAL_V1 };
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    throw new ExecInfoError('KUBERNETES_EXEC_INFO is not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ExecInfoError('KUBERNETES_EXEC_INFO is not an object');
  }
  const { kind, apiVersion, spec } = doc as { kind?: unknown; apiVersion?: unknown; spec?: unknown };
  if (kind !== 'ExecCredential') {
    throw new ExecInfoError(`KUBERNETES_EXEC_INFO has kind ${JSON.stringify(kind)}, want "ExecCredential"`);
  }
  if (typeof apiVersion !== 'string' || !SUPPORTED_API_VERSIONS.includes(apiVersion)) {
    const supported = SUPPORTED_API_VERSIONS.join(', ');
    throw new ExecInfoError(
      `KUBERNETES_EXEC_INFO has apiVersion ${JSON.stringify(apiVersion)}; supported: ${supported}`,
    );
  }
  const interactive =
    typeof spec === 'object' && spec !== null ? (spec as { interactive?: unknown }).interactive : null;
  return { apiVersion, ...(typeof interactive === 'boolean' ? { interactive } : {}) };
}

/**
 * The ExecCredential kubectl expects back: same apiVersion, the bearer token and when it stops being valid (the
 * shape of the examples in Kubernetes' authentication docs; client-go reads only `status`).
 */
export function execCredential(info: ExecInfo, token: string, expiry: Date): ExecCredential {
  return {
    kind: 'ExecCredential',
    apiVersion: info.apiVersion,
    status: { token, expirationTimestamp: kubeTime(expiry) },
  };
}
