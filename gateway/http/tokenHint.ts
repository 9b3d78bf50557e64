/**
 * In development, an `UNAUTHENTICATED` answer says how to get a token (docs/production.md#the-ide):
 * `extensions.hint` on each such error, so a person trying the IDE or curl sees the next step.
 * Production answers as before: how tokens are minted there is the identity provider's business.
 */
import type { HttpApp } from './server.ts';

type GraphQLEndpoint = HttpApp['graphql'];

export const DEVELOPMENT_TOKEN_HINT =
  'Development: mint a token with `npm run token -- --sub alice --scope "crm:read psa:read"` (add --legal-entities, ' +
  '--partner-accounts, --roles as needed) and send it as `Authorization: Bearer <token>` (in the IDE: the Headers tab).';

/** `endpoint` with the development hint added to its `UNAUTHENTICATED` errors. */
export function withTokenHint(endpoint: GraphQLEndpoint): GraphQLEndpoint {
  return async (request, start) => {
    const response = await endpoint(request, start);
    const body = hintedBody(response.body);
    return body === response.body ? response : { ...response, body };
  };
}

/** The response body with the hint on every `UNAUTHENTICATED` error; the same string when there is none. */
export function hintedBody(body: string): string {
  // Most answers carry no such error: they are not parsed at all.
  if (!body.includes('"UNAUTHENTICATED"')) return body;
  let parsed: { errors?: { extensions?: Record<string, unknown> }[] };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return body;
  }
  let hinted = false;
  for (const error of parsed.errors ?? []) {
    if (error.extensions?.code !== 'UNAUTHENTICATED') continue;
    error.extensions.hint = DEVELOPMENT_TOKEN_HINT;
    hinted = true;
  }
  return hinted ? JSON.stringify(parsed) : body;
}
