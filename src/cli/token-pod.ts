// `kauth token pod <ns>/<pod>`: the token a pod's projected kube-api-access volume holds, obtained
// the way kubelet obtains it — a TokenRequest for the pod's service account, bound to the pod, for
// the volume's expirationSeconds (3607, which the server extends to a year with warnafter).
import type { Command } from 'commander';
import { apiClient } from './api-client.js';
import { CliError } from './errors.js';

interface Pod {
  metadata: { name: string; namespace: string; uid: string };
  spec: {
    serviceAccountName?: string;
    volumes?: {
      projected?: {
        sources?: { serviceAccountToken?: { expirationSeconds?: number; audience?: string; path: string } }[];
      };
    }[];
  };
}

export function registerTokenPodCommand(token: Command): void {
  token
    .command('pod')
    .description(
      "Print the service-account token a pod's projected volume would hold (via TokenRequest, as kubelet does)",
    )
    .argument('<pod>', 'namespace/name, or name in the kubeconfig namespace')
    .option('--kubeconfig <file>', 'kubeconfig to call the API with (default: $KUBECONFIG, ~/.kube/config)')
    .action(async (ref: string, opts: { kubeconfig?: string }) => {
      const api = apiClient(opts.kubeconfig);
      const [ns, name] = ref.includes('/') ? (ref.split('/', 2) as [string, string]) : [api.namespace, ref];
      const got = await api.request(
        'GET',
        `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`,
      );
      if (got.code !== 200) throw new CliError(got.json?.message ?? `GET pod: HTTP ${got.code}`);
      const pod = got.json as Pod;
      const source = pod.spec.volumes
        ?.flatMap((v) => v.projected?.sources ?? [])
        .find((s) => s.serviceAccountToken)?.serviceAccountToken;
      if (!source)
        throw new CliError(
          `pod ${ns}/${name} has no projected service-account token (automountServiceAccountToken: false?)`,
        );
      const sa = pod.spec.serviceAccountName ?? 'default';
      const res = await api.request(
        'POST',
        `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(sa)}/token`,
        {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: {
            audiences: source.audience ? [source.audience] : [],
            expirationSeconds: source.expirationSeconds ?? 3607,
            boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid: pod.metadata.uid },
          },
        },
      );
      if (res.code !== 201) throw new CliError(res.json?.message ?? `TokenRequest: HTTP ${res.code}`);
      process.stdout.write(`${res.json.status.token}\n`);
    });
}
