// --enable-admission-plugins / --disable-admission-plugins (apiserver/pkg/server/options/admission.go): the
// plugins on are kube-apiserver's default-on ones plus those enabled, minus those disabled. Only the kube
// admission plugins kauth implements can be named; kauth's internal steps that kube does elsewhere (Service
// IP allocation, RBAC escalation checks in the registry) are not admission plugins there and stay on.
import { goQuote } from '../authz/format.js';
import type { AdmissionPlugin } from './interface.js';

/** The admission plugins kauth implements, in kube's recommended order, and whether kube turns them on by default. */
export const ADMISSION_PLUGINS: readonly { name: string; defaultOn: boolean }[] = [
  { name: 'NamespaceLifecycle', defaultOn: true },
  { name: 'ServiceAccount', defaultOn: true },
  // Off in kube-apiserver, on in every kubeadm cluster (and in `kauth up`).
  { name: 'NodeRestriction', defaultOn: false },
  { name: 'CertificateApproval', defaultOn: true },
  { name: 'CertificateSigning', defaultOn: true },
  { name: 'CertificateSubjectRestriction', defaultOn: true },
];

const KNOWN = new Set(ADMISSION_PLUGINS.map((p) => p.name));

/** AdmissionOptions.Validate's errors, in kube's words. */
export function admissionPluginErrors(enable: readonly string[], disable: readonly string[]): string[] {
  const errors: string[] = [];
  for (const [flag, names] of [
    ['enable', enable],
    ['disable', disable],
  ] as const) {
    for (const name of names)
      if (!KNOWN.has(name)) errors.push(`${flag}-admission-plugins plugin ${goQuote(name)} is unknown`);
  }
  const both = [...new Set(enable.filter((name) => disable.includes(name)))].sort();
  if (both.length)
    errors.push(`[${both.join(' ')}] in enable-admission-plugins and disable-admission-plugins overlapped`);
  return errors;
}

/** The names of the plugins that run. */
export function enabledAdmissionPlugins(enable: readonly string[], disable: readonly string[]): Set<string> {
  const errors = admissionPluginErrors(enable, disable);
  if (errors.length) throw new Error(errors.join('; '));
  const on = ADMISSION_PLUGINS.filter((p) => (p.defaultOn || enable.includes(p.name)) && !disable.includes(p.name));
  return new Set(on.map((p) => p.name));
}

/** The chain without the named plugins that are off; plugins kube has no name for are kept. */
export function selectAdmissionPlugins(
  plugins: AdmissionPlugin[],
  enable: readonly string[],
  disable: readonly string[],
): AdmissionPlugin[] {
  const on = enabledAdmissionPlugins(enable, disable);
  return plugins.filter((p) => !KNOWN.has(p.name) || on.has(p.name));
}
