// The certificates admission plugins of kube-apiserver (k8s/plugin/pkg/admission/certificates/…):
//   CertificateApproval           — /approval updates need `approve` on the synthetic `signers` resource,
//   CertificateSigning            — /status updates that change the certificate or conditions need `sign`,
//   CertificateSubjectRestriction — no kube-apiserver-client CSR may ask for O=system:masters.
// The RBAC check on `certificatesigningrequests/approval` itself happens earlier, in the authorization filter.
import { forbidden } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { UserInfo } from '../authn/interfaces.js';
import { resourceAttributes } from '../authz/attributes.js';
import type { Authorizer } from '../authz/interfaces.js';
import { SYSTEM_MASTERS } from '../authn/interfaces.js';
import {
  asCsr,
  certificateBytes,
  CERTIFICATES_GROUP,
  conditionsOf,
  KUBE_APISERVER_CLIENT_SIGNER,
  parseCsrRequest,
  requestBytes,
} from '../registry/resources/certificates.js';
import type { AdmissionPlugin, AdmissionRequest } from './interface.js';

const CSR_RESOURCE = 'certificatesigningrequests';

function isCsr(req: AdmissionRequest): boolean {
  return req.def.group === CERTIFICATES_GROUP && req.def.resource === CSR_RESOURCE;
}

/** admission.NewForbidden: `certificatesigningrequests.certificates.k8s.io "name" is forbidden: <why>`. */
function refuse(req: AdmissionRequest, why: string): never {
  throw forbidden(
    { group: CERTIFICATES_GROUP, resource: CSR_RESOURCE },
    req.name || (req.object?.metadata.name ?? ''),
    why,
  );
}

/**
 * IsAuthorizedForSignerName (plugin/pkg/admission/certificates/util.go): `verb` on `signers` named signerName, or
 * failing that on `<domain>/*`. Authorizer errors count as "no".
 */
export async function isAuthorizedForSignerName(
  authz: Authorizer,
  user: UserInfo,
  verb: string,
  signerName: string,
): Promise<boolean> {
  const attrs = (name: string) =>
    resourceAttributes(user, { verb, apiGroup: CERTIFICATES_GROUP, apiVersion: '*', resource: 'signers', name });
  const exact = await authz.authorize(attrs(signerName));
  if (exact.decision === 'Allow' && !exact.error) return true;
  const domain = signerName.split('/')[0]!;
  const wildcard = await authz.authorize(attrs(`${domain}/*`));
  return wildcard.decision === 'Allow' && !wildcard.error;
}

function signerNameOf(obj: KubeObject | undefined): string {
  return obj ? (asCsr(obj).spec.signerName ?? '') : '';
}

export function certificateApproval(authorizer: () => Authorizer): AdmissionPlugin {
  return {
    name: 'CertificateApproval',
    async validate(req) {
      if (req.operation !== 'UPDATE' || req.subresource !== 'approval' || !isCsr(req)) return;
      // Checked against the stored object: the approval endpoint cannot change the signer anyway.
      const signerName = signerNameOf(req.oldObject);
      if (!(await isAuthorizedForSignerName(authorizer(), req.ctx.user, 'approve', signerName))) {
        refuse(req, `user not permitted to approve requests with signerName ${JSON.stringify(signerName)}`);
      }
    },
  };
}

export function certificateSigning(authorizer: () => Authorizer): AdmissionPlugin {
  return {
    name: 'CertificateSigning',
    async validate(req) {
      if (req.operation !== 'UPDATE' || req.subresource !== 'status' || !isCsr(req) || !req.object || !req.oldObject)
        return;
      const sameCertificate = certificateBytes(req.object).equals(certificateBytes(req.oldObject));
      const sameConditions = JSON.stringify(conditionsOf(req.object)) === JSON.stringify(conditionsOf(req.oldObject));
      if (sameCertificate && sameConditions) return;
      const signerName = signerNameOf(req.oldObject);
      if (!(await isAuthorizedForSignerName(authorizer(), req.ctx.user, 'sign', signerName))) {
        refuse(req, `user not permitted to sign requests with signerName ${JSON.stringify(signerName)}`);
      }
    },
  };
}

export function certificateSubjectRestriction(): AdmissionPlugin {
  return {
    name: 'CertificateSubjectRestriction',
    async validate(req) {
      if (req.operation !== 'CREATE' || req.subresource || !isCsr(req) || !req.object) return;
      if (signerNameOf(req.object) !== KUBE_APISERVER_CLIENT_SIGNER) return;
      let organizations: string[];
      try {
        organizations = (await parseCsrRequest(requestBytes(req.object))).subject.organizations;
      } catch (e) {
        refuse(req, `failed to parse CSR: ${(e as Error).message}`);
      }
      if (organizations.includes(SYSTEM_MASTERS)) {
        refuse(req, `use of ${KUBE_APISERVER_CLIENT_SIGNER} signer with ${SYSTEM_MASTERS} group is not allowed`);
      }
    },
  };
}

/** The three plugins, in kube-apiserver's default order. */
export function certificatesAdmission(authorizer: () => Authorizer): AdmissionPlugin[] {
  return [certificateApproval(authorizer), certificateSigning(authorizer), certificateSubjectRestriction()];
}
