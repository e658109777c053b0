// Service-account issuer discovery: /.well-known/openid-configuration and /openid/v1/jwks
// (k8s/pkg/routes/openidmetadata.go), readable by system:service-account-issuer-discovery.
import {
  defaultJwksUri,
  DISCOVERY_CACHE_CONTROL,
  jwks,
  JWKS_CONTENT_TYPE,
  JWKS_PATH,
  OPENID_CONFIG_PATH,
  openIdConfiguration,
} from '../../serviceaccount/discovery.js';
import type { ServiceAccountPublicKey } from '../../serviceaccount/keys.js';
import type { NonResourceHandler } from '../server.js';

export interface OidcDiscoveryOptions {
  issuer: string;
  jwksUri?: string;
  externalAddress: string;
  publicKeys: ServiceAccountPublicKey[];
}

export function oidcDiscoveryRoutes(o: OidcDiscoveryOptions): [string, NonResourceHandler][] {
  if (!o.publicKeys.length || !o.issuer.startsWith('https://')) return [];
  const config = JSON.stringify(
    openIdConfiguration(o.issuer, o.jwksUri ?? defaultJwksUri(o.externalAddress), o.publicKeys),
  );
  const keys = JSON.stringify(jwks(o.publicKeys));
  const send =
    (body: string, type: string): NonResourceHandler =>
    ({ res }) => {
      res.writeHead(200, {
        'Content-Type': type,
        'Cache-Control': DISCOVERY_CACHE_CONTROL,
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(body);
    };
  return [
    [OPENID_CONFIG_PATH, send(config, 'application/json')],
    [JWKS_PATH, send(keys, JWKS_CONTENT_TYPE)],
  ];
}
