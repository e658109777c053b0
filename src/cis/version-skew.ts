// The Kubernetes version skew policy (kubernetes.io/releases/version-skew-policy) as a pure function, and the
// upgrade order kubeadm follows. kubelet and kube-proxy: never newer than kube-apiserver, up to three minors older
// (two before v1.28); controller-manager and scheduler: not newer, at most one older; kubectl: within one minor
// either way; kube-apiserver instances: within one minor of each other. kubeadm upgrades one minor at a time.
export interface Version {
  major: number;
  minor: number;
  patch: number;
  raw: string;
}

export function parseVersion(s: string): Version | undefined {
  const m = /^v?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?/.exec(s.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), raw: s.trim() } : undefined;
}

export interface ComponentVersion {
  component: 'kube-apiserver' | 'kubelet' | 'kube-proxy' | 'kube-controller-manager' | 'kube-scheduler' | 'kubectl';
  where: string;
  version: string;
}
export interface SkewFinding {
  status: 'PASS' | 'FAIL' | 'WARN';
  component: string;
  where: string;
  message: string;
}

/** How far below the (oldest) kube-apiserver a component may be, and whether it may be newer. */
function allowedOlder(component: string, api: Version): number {
  if (component === 'kubelet' || component === 'kube-proxy') return api.minor >= 28 ? 3 : 2;
  if (component === 'kubectl') return 1;
  return 1;
}

export function checkSkew(components: readonly ComponentVersion[]): SkewFinding[] {
  const out: SkewFinding[] = [];
  const apis = components
    .filter((c) => c.component === 'kube-apiserver')
    .map((c) => ({ c, v: parseVersion(c.version) }));
  const apiVersions = apis.map((a) => a.v).filter((v): v is Version => !!v);
  if (apiVersions.length === 0)
    return [{ status: 'WARN', component: 'kube-apiserver', where: '-', message: 'no kube-apiserver version known' }];
  const oldest = apiVersions.reduce((a, b) => (b.minor < a.minor ? b : a));
  const newest = apiVersions.reduce((a, b) => (b.minor > a.minor ? b : a));
  out.push(
    newest.minor - oldest.minor > 1
      ? {
          status: 'FAIL',
          component: 'kube-apiserver',
          where: apis.map((a) => a.c.where).join(', '),
          message: `kube-apiserver instances ${oldest.raw} and ${newest.raw} are more than one minor apart`,
        }
      : {
          status: 'PASS',
          component: 'kube-apiserver',
          where: apis.map((a) => a.c.where).join(', '),
          message: `kube-apiserver ${newest.raw}`,
        },
  );
  for (const c of components) {
    if (c.component === 'kube-apiserver') continue;
    const v = parseVersion(c.version);
    if (!v) {
      out.push({
        status: 'WARN',
        component: c.component,
        where: c.where,
        message: `unparseable version "${c.version}"`,
      });
      continue;
    }
    if (v.major !== oldest.major) {
      out.push({
        status: 'FAIL',
        component: c.component,
        where: c.where,
        message: `${c.version}: major version differs from kube-apiserver ${oldest.raw}`,
      });
      continue;
    }
    const older = allowedOlder(c.component, oldest);
    const maySkewNewer = c.component === 'kubectl';
    const ref = c.component === 'kubectl' ? newest : oldest;
    if (!maySkewNewer && v.minor > oldest.minor) {
      out.push({
        status: 'FAIL',
        component: c.component,
        where: c.where,
        message: `${c.version} is newer than kube-apiserver ${oldest.raw} (never allowed)`,
      });
    } else if (maySkewNewer && v.minor > ref.minor + 1) {
      out.push({
        status: 'FAIL',
        component: c.component,
        where: c.where,
        message: `${c.version} is more than one minor newer than kube-apiserver ${ref.raw}`,
      });
    } else if (v.minor < newest.minor - older) {
      out.push({
        status: 'FAIL',
        component: c.component,
        where: c.where,
        message: `${c.version} is more than ${older} minor(s) older than kube-apiserver ${newest.raw}`,
      });
    } else
      out.push({
        status: 'PASS',
        component: c.component,
        where: c.where,
        message: `${c.version} within the skew policy`,
      });
  }
  return out;
}

/** kubeadm's upgrade order from `current` to `target`, one minor at a time. */
export function upgradePlan(
  current: string,
  target: string,
  nodes: { controlPlane: string[]; workers: string[] },
): string[] {
  const from = parseVersion(current),
    to = parseVersion(target);
  if (!from || !to) throw new Error(`versions: want vMAJOR.MINOR[.PATCH], got "${current}" → "${target}"`);
  if (to.major !== from.major || to.minor < from.minor)
    throw new Error(`cannot upgrade ${from.raw} to ${to.raw}: kubeadm upgrades forward within a major version`);
  const steps: string[] = [];
  const minors: string[] = [];
  for (let m = from.minor + 1; m < to.minor; m++) minors.push(`v${from.major}.${m}.x (latest patch)`);
  minors.push(to.raw.startsWith('v') ? to.raw : `v${to.raw}`);
  const [first, ...otherCp] = nodes.controlPlane.length ? nodes.controlPlane : ['<first control-plane node>'];
  for (const v of minors) {
    steps.push(`# upgrade to ${v} (kubeadm skips no minor version)`);
    steps.push(`${first}: upgrade the kubeadm package to ${v}; kubeadm upgrade plan; kubeadm upgrade apply ${v}`);
    for (const n of otherCp) steps.push(`${n}: upgrade kubeadm; kubeadm upgrade node`);
    for (const n of [first, ...otherCp])
      steps.push(
        `${n}: kubectl drain ${n} --ignore-daemonsets; upgrade kubelet and kubectl to ${v}; systemctl daemon-reload; systemctl restart kubelet; kubectl uncordon ${n}`,
      );
    for (const n of nodes.workers.length ? nodes.workers : ['<each worker, one at a time>']) {
      steps.push(
        `${n}: kubectl drain ${n} --ignore-daemonsets; upgrade kubeadm; kubeadm upgrade node; upgrade kubelet and kubectl to ${v}; systemctl daemon-reload; systemctl restart kubelet; kubectl uncordon ${n}`,
      );
    }
  }
  return steps;
}
