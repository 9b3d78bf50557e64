/**
 * The OAuth 2.0 JWT bearer flow (docs/connectors.md#authentication;
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm): an RS256 assertion
 * (`iss` the connected app's consumer key, `sub` the integration user, `aud` the login URL, `exp` three
 * minutes ahead) signed with the private key whose certificate the connected app holds, posted to
 * `<login URL>/services/oauth2/token`; the answer's `access_token` and `instance_url` are the token.
 * No refresh token exists in this flow: a new assertion is the refresh.
 */
import jwt from 'jsonwebtoken';
import { fetch as undiciFetch } from 'undici';
import { Secret } from '../../../../core/config/secret.ts';
import type { AccessToken } from '../../../kernel/connectors/accessToken.ts';
import { ConnectorFailure } from '../../../kernel/connectors/connectorFailure.ts';

export interface JwtBearerOptions {
  readonly loginUrl: string;
  readonly consumerKey: string;
  readonly username: string;
  readonly privateKey: Secret;
  /** Overrides the answer's `instance_url` (`TESSERA_SALESFORCE_INSTANCE_URL`). */
  readonly instanceUrl?: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof globalThis.fetch;
  /** @default Date.now */
  readonly now?: () => number;
}

export function jwtBearerToken(options: JwtBearerOptions): (signal?: AbortSignal) => Promise<AccessToken> {
  const doFetch = options.fetch ?? (undiciFetch as unknown as typeof globalThis.fetch);
  const now = options.now ?? Date.now;
  return async (signal) => {
    const assertion = jwt.sign(
      { iss: options.consumerKey, sub: options.username, aud: options.loginUrl, exp: Math.floor(now() / 1000) + 180 },
      options.privateKey.reveal(),
      { algorithm: 'RS256', noTimestamp: true },
    );
    const timeout = AbortSignal.timeout(options.timeoutMs);
    let response: Response;
    let body: { access_token?: unknown; instance_url?: unknown };
    try {
      response = await doFetch(`${options.loginUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      body = (await response.json()) as typeof body;
    } catch {
      throw new ConnectorFailure('Salesforce', 'token', timeout.aborted ? 'timeout' : 'unavailable');
    }
    if (response.status >= 500) throw new ConnectorFailure('Salesforce', 'token', 'unavailable', response.status);
    // 400 invalid_grant (user not pre-authorized, certificate mismatch, clock skew): the body says which, never logged here.
    if (!response.ok || typeof body.access_token !== 'string' || typeof body.instance_url !== 'string') {
      throw new ConnectorFailure('Salesforce', 'token', 'unauthorized', response.status);
    }
    return { token: new Secret(body.access_token), instanceUrl: options.instanceUrl ?? body.instance_url };
  };
}
