// POST …/serviceaccounts/<name>/token — the TokenRequest subresource `kubectl create token` calls.
import type { ObjectGetter } from '../../api/types.js';
import type { TokenIssuer } from '../../serviceaccount/issue.js';
import {
  prepareTokenRequest,
  tokenRequestResponse,
  type TokenRequestBody,
} from '../../serviceaccount/token-request.js';
import type { SubresourceDef } from '../types.js';

export interface TokenRequestDeps {
  getter: () => ObjectGetter;
  issuer: () => TokenIssuer | undefined;
  apiAudiences: string[];
  maxExpirationSeconds: number;
}

export function tokenSubresource(deps: TokenRequestDeps): SubresourceDef {
  return {
    verbs: ['create'],
    kind: 'TokenRequest',
    group: 'authentication.k8s.io',
    version: 'v1',
    async create(parent, body, ctx) {
      const issuer = deps.issuer();
      if (!issuer) throw new Error('no --service-account-signing-key-file configured: TokenRequest is unavailable');
      const prepared = await prepareTokenRequest({
        getter: deps.getter(),
        namespace: ctx.info.namespace,
        name: parent.metadata.name!,
        body: body as TokenRequestBody,
        apiAudiences: deps.apiAudiences,
        maxExpirationSeconds: deps.maxExpirationSeconds,
      });
      const token = await issuer.issueBoundToken({
        namespace: prepared.namespace,
        serviceAccount: prepared.serviceAccount,
        audiences: prepared.audiences,
        expirationSeconds: prepared.expirationSeconds,
        boundObject: prepared.boundObject,
        now: prepared.now,
      });
      return { status: 201, body: tokenRequestResponse(prepared, token) };
    },
  };
}
