/**
 * The URLs the gateway calls (`TESSERA_SUBGRAPH_<NAME>_URL`, `TESSERA_REGISTRY_URL`): checked at
 * start (docs/production.md#https-destinations). Every call to them carries the signed internal
 * principal, so in production they must be `https://` unless the operator says the network is
 * trusted (`TESSERA_ALLOW_HTTP_SUBGRAPHS=on`, e.g. mTLS at a sidecar). A bind address (`0.0.0.0`,
 * `::`) or an empty host is refused in every environment: it names no destination.
 */

/** What a destination URL must satisfy besides being one. */
export interface DestinationPolicy {
  readonly production: boolean;
  /** `TESSERA_ALLOW_HTTP_SUBGRAPHS=on`: plain `http://` is accepted in production too. */
  readonly allowHttp: boolean;
}

/** Addresses a server listens on (every interface), which connect nowhere in particular as a destination. */
const BIND_ADDRESSES: ReadonlySet<string> = new Set(['0.0.0.0', '[::]']);

/** The variable that lets production call plain `http://` destinations. */
export const ALLOW_HTTP_VARIABLE = 'TESSERA_ALLOW_HTTP_SUBGRAPHS';

/**
 * `raw` when it is an acceptable destination for `key`; otherwise a TypeError naming the variable
 * and the rule broken. The URL is not secret (credentials in it are not expected), so it is quoted.
 */
export function destinationUrl(key: string, raw: string, policy: DestinationPolicy): string {
  // URL() reads `http:///graphql` as host "graphql": the authority is judged on the text itself.
  const authority = /^https?:\/\/([^/?#]*)/i.exec(raw)?.[1];
  if (authority === undefined) throw new TypeError(`${key} must be an http(s) URL`);
  if (authority.replace(/^.*@/, '').replace(/:\d*$/, '') === '') {
    throw new TypeError(`${key} has no host: ${JSON.stringify(raw)} (expected https://host[:port]/path)`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`${key} must be an http(s) URL`);
  }
  if (BIND_ADDRESSES.has(url.hostname)) {
    throw new TypeError(
      `${key} names ${url.hostname}, an address to listen on, not one to call: use the host name or address of the service (${JSON.stringify(raw)})`,
    );
  }
  if (policy.production && url.protocol === 'http:' && !policy.allowHttp) {
    throw new TypeError(
      `${key} must be an https:// URL when TESSERA_ENV=production (got ${JSON.stringify(raw)}); ` +
        `set ${ALLOW_HTTP_VARIABLE}=on only where the network itself is protected (mTLS at a sidecar)`,
    );
  }
  return raw;
}
