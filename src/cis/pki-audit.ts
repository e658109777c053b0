// The kubeadm PKI beyond the benchmark's file modes: certificates expiring within 30 days (expired: FAIL),
// weak keys (RSA < 2048, EC < P-256), the front-proxy and etcd CAs reusing the cluster CA, the API server's
// serving certificate missing the in-cluster names, and private keys readable by anyone but the owner.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCertificate, type CertInfo } from '../pki/certificate.js';
import { controlResult, count, extraCheckResult } from './evaluate.js';
import { expand, octal } from './file-facts.js';
import type { CheckResult, Control, ControlResult } from './types.js';

const PKI = 'etc/kubernetes/pki';
const DAY = 86_400_000;
const CONTROL: Control = { id: 'P', text: 'Kubernetes PKI (kauth)', nodeType: 'pki', groups: [] };
const IN_CLUSTER_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc'];

const result = extraCheckResult.bind(undefined, `openssl x509 -noout -text -in /${PKI}/…`);

function weakKey(alg: string): boolean {
  const rsa = /^RSA (\d+)$/.exec(alg);
  if (rsa) return Number(rsa[1]) < 2048;
  return alg === 'ECDSA P-192' || alg === 'ECDSA P-224';
}

export function auditPki(root: string, now = new Date()): ControlResult | undefined {
  const files = expand(root, `${PKI}/**/*.crt`);
  if (files.length === 0) return undefined;
  const certs = new Map<string, CertInfo>();
  const unreadable: string[] = [];
  for (const f of files) {
    try {
      certs.set(f.rel.slice(PKI.length + 1), readCertificate(readFileSync(join(root, f.rel))));
    } catch (e) {
      unreadable.push(`${f.rel}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const results: CheckResult[] = [];
  const expired = [...certs].filter(([, c]) => c.notAfter.getTime() <= now.getTime());
  const soon = [...certs].filter(
    ([, c]) => c.notAfter.getTime() > now.getTime() && c.notAfter.getTime() - now.getTime() < 30 * DAY,
  );
  results.push(
    result(
      'P.1',
      'Ensure no certificate is expired or expires within 30 days (Automated)',
      expired.length || unreadable.length ? 'FAIL' : soon.length ? 'WARN' : 'PASS',
      [
        ...expired.map(([n, c]) => `${n} expired ${c.notAfter.toISOString()}`),
        ...soon.map(([n, c]) => `${n} expires ${c.notAfter.toISOString()}`),
        ...unreadable,
      ].join('\n') || `${certs.size} certificates valid for 30 days or more`,
      'notAfter more than 30 days ahead',
      'kauth certs renew all (kubeadm certs renew all), then restart the control-plane pods.',
    ),
  );
  const weak = [...certs].filter(([, c]) => weakKey(c.publicKeyAlgorithm));
  results.push(
    result(
      'P.2',
      'Ensure certificate keys are at least RSA 2048 or ECDSA P-256 (Automated)',
      weak.length ? 'FAIL' : 'PASS',
      weak.map(([n, c]) => `${n}: ${c.publicKeyAlgorithm}`).join('\n') || 'all keys strong enough',
      'RSA ≥ 2048 or ECDSA ≥ P-256',
      'Re-issue the certificates with stronger keys (kauth certs init --cert-algorithm RSA-2048 on a fresh tree).',
    ),
  );
  const ca = certs.get('ca.crt'),
    fp = certs.get('front-proxy-ca.crt'),
    etcd = certs.get('etcd/ca.crt');
  const reused = [
    ['front-proxy-ca.crt', fp],
    ['etcd/ca.crt', etcd],
  ]
    .filter(([, c]) => ca && c && (c as CertInfo).publicKeyPin === ca.publicKeyPin)
    .map(([n]) => n as string);
  results.push(
    result(
      'P.3',
      'Ensure the front-proxy and etcd CAs are not the cluster CA (Automated)',
      reused.length ? 'FAIL' : 'PASS',
      reused.length ? `same key as ca.crt: ${reused.join(', ')}` : 'distinct CAs',
      'front-proxy-ca and etcd/ca with their own keys',
      'A client certificate from the cluster CA must not pass as the front proxy: give front-proxy-ca (and etcd/ca) their own keys.',
    ),
  );
  const api = certs.get('apiserver.crt');
  const missing = api ? IN_CLUSTER_NAMES.filter((n) => !api.dnsNames.includes(n)) : ['apiserver.crt not found'];
  results.push(
    result(
      'P.4',
      "Ensure the API server's serving certificate names the in-cluster service (Automated)",
      missing.length ? 'FAIL' : 'PASS',
      api ? `DNS: ${api.dnsNames.join(', ')}; IP: ${api.ipAddresses.join(', ')}` : 'apiserver.crt not found',
      `SANs include ${IN_CLUSTER_NAMES.join(', ')}`,
      'Re-issue apiserver.crt (kauth certs renew apiserver) with the kubernetes.default.svc names.',
    ),
  );
  const keys = expand(root, `${PKI}/**/*.key`);
  const loose = keys.filter((k) => (k.mode & 0o077) !== 0);
  results.push(
    result(
      'P.5',
      'Ensure private keys are readable only by their owner (600) (Automated)',
      loose.length ? 'FAIL' : 'PASS',
      loose.map((k) => `permissions=${octal(k.mode)} ${k.rel}`).join('\n') || `${keys.length} keys 600 or stricter`,
      'permissions 600 or more restrictive',
      `chmod 600 /${PKI}/*.key /${PKI}/etcd/*.key`,
    ),
  );
  return controlResult(CONTROL, 'kauth-pki-1', [
    { section: 'P.1', type: '', desc: 'Certificates and keys', ...count(results), results },
  ]);
}
