// JWT/OIDC issuers for the gateway: `authentication.jwt` is AuthenticationConfiguration's `jwt` list, decoded and
// validated by src/authn/jwt exactly as kube-apiserver's --authentication-config is, and served by its
// JwtAuthenticators (keys discovered and refreshed per issuer).
import { fieldInvalid } from '../api/errors.js';
import { decodeAuthenticationConfiguration } from '../authn/jwt/config-decode.js';
import { AUTHENTICATION_CONFIGURATION_GROUP, AUTHENTICATION_CONFIGURATION_KIND } from '../authn/jwt/config-types.js';
import { validateAuthenticationConfiguration } from '../authn/jwt/config-validate.js';
import { JwtAuthenticators } from '../authn/jwt/jwt-authenticators.js';
import { ALLOWED_SIGNING_ALGS } from '../authn/jwt/verify.js';
import { GatewayConfigError } from './config.js';

/** How long start-up waits for the issuers' keys before serving (tokens are 401 until they are loaded). */
const KEYS_READY_TIMEOUT_MS = 10_000;

/** The issuers as one token authenticator, or none without `authentication.jwt`. Bad entries are config errors. */
export async function jwtAuthenticators(jwt: unknown[], file: string): Promise<JwtAuthenticators[]> {
  if (jwt.length === 0) return [];
  const apiVersion = `${AUTHENTICATION_CONFIGURATION_GROUP}/v1`;
  const document = JSON.stringify({ apiVersion, kind: AUTHENTICATION_CONFIGURATION_KIND, jwt });
  let result;
  try {
    result = validateAuthenticationConfiguration(decodeAuthenticationConfiguration(document), []);
  } catch (e) {
    throw new GatewayConfigError(file, [
      fieldInvalid('authentication.jwt', `${jwt.length} issuer(s)`, (e as Error).message),
    ]);
  }
  if (result.errors.length > 0) {
    throw new GatewayConfigError(
      file,
      result.errors.map((e) => ({ ...e, field: `authentication.${e.field}` })),
    );
  }
  const authenticators = new JwtAuthenticators({ algorithms: ALLOWED_SIGNING_ALGS }).start(result.jwt);
  // Serve once the keys are in (or after the wait: the key sets keep retrying, and tokens are 401 meanwhile).
  await authenticators.whenReady(KEYS_READY_TIMEOUT_MS);
  return [authenticators];
}
