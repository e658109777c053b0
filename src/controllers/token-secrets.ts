// The legacy token controller (kube-controller-manager's tokens_controller): a Secret of type
// kubernetes.io/service-account-token that names a ServiceAccount gets `token`, `ca.crt` and
// `namespace` filled in, and the SA's uid annotated; when the ServiceAccount goes, so do its token Secrets.
import type { KubeObject } from '../api/types.js';
import { log } from '../log.js';
import type { ObjectStore } from '../registry/object-store.js';
import type { TokenIssuer } from '../serviceaccount/issue.js';
import { Informer, WorkQueue } from './informer.js';

const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';
const SA_NAME = 'kubernetes.io/service-account.name';
const SA_UID = 'kubernetes.io/service-account.uid';

export class TokenSecretsController {
  readonly queue: WorkQueue;

  constructor(
    private readonly objects: ObjectStore,
    private readonly issuer: TokenIssuer,
    private readonly caPem: string,
    private readonly secrets: Informer,
    serviceAccounts: Informer,
  ) {
    this.queue = new WorkQueue('tokens', (key) => this.sync(key));
    secrets.on({
      upsert: (o) => {
        if (o.type === SA_TOKEN_TYPE) this.queue.add(`secret/${o.metadata.namespace}/${o.metadata.name}`);
      },
    });
    serviceAccounts.on({
      remove: (o) => this.queue.add(`sa-deleted/${o.metadata.namespace}/${o.metadata.name}/${o.metadata.uid}`),
    });
  }

  private async sync(key: string): Promise<void> {
    const [kind, ns, name, uid] = key.split('/') as [string, string, string, string?];
    if (kind === 'sa-deleted') return this.deleteTokensOf(ns, name, uid!);
    const secret = await this.objects.get('secrets', ns, name);
    if (!secret || secret.type !== SA_TOKEN_TYPE || secret.metadata.deletionTimestamp) return;
    const saName = secret.metadata.annotations?.[SA_NAME];
    if (!saName) return;
    const sa = await this.objects.get('serviceaccounts', ns, saName);
    if (!sa) {
      // kube-controller-manager deletes token Secrets whose ServiceAccount does not exist.
      log.info(
        { namespace: ns, secret: name, serviceAccount: saName },
        'deleting token secret of a missing service account',
      );
      await this.objects.delete(this.objects.def('secrets'), ns, name).catch(() => undefined);
      return;
    }
    const wantUid = secret.metadata.annotations?.[SA_UID];
    if (wantUid && wantUid !== sa.metadata.uid) return;
    const data = (secret.data ?? {}) as Record<string, string>;
    if (data.token && data['ca.crt'] && data.namespace) return;
    const token = await this.issuer.issueLegacyToken({
      namespace: ns,
      serviceAccountName: saName,
      serviceAccountUid: sa.metadata.uid!,
      secretName: name,
    });
    await this.objects.guaranteedUpdate(this.objects.def('secrets'), ns, name, (o: KubeObject) => {
      const d = (o.data ?? {}) as Record<string, string>;
      if (d.token) return undefined;
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [SA_UID]: sa.metadata.uid! };
      o.data = {
        ...d,
        token: Buffer.from(token).toString('base64'),
        'ca.crt': Buffer.from(this.caPem).toString('base64'),
        namespace: Buffer.from(ns).toString('base64'),
      };
      return o;
    });
  }

  private async deleteTokensOf(ns: string, saName: string, uid: string): Promise<void> {
    for (const s of this.secrets.list()) {
      if (s.metadata.namespace !== ns || s.type !== SA_TOKEN_TYPE) continue;
      const a = s.metadata.annotations ?? {};
      if (a[SA_NAME] !== saName || (a[SA_UID] && a[SA_UID] !== uid)) continue;
      await this.objects.delete(this.objects.def('secrets'), ns, s.metadata.name!).catch(() => undefined);
    }
  }
}
