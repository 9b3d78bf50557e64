/**
 * The `RateLimit-Policy` and `RateLimit` header fields of draft-ietf-httpapi-ratelimit-headers
 * (docs/rate-limits.md#headers): Structured Field Lists (RFC 9651) of Items whose value is the
 * policy name as a String, with the quota `q`, window `w` and quota unit `qu` on a policy, the
 * available quota `r` and effective window `t` on a service limit. A refusal adds `Retry-After`
 * (RFC 9110), in seconds, equal to the refused policy's `t`.
 */

/** One quota policy (`"client";q=600;w=60`). */
export interface PolicyItem {
  readonly name: string;
  readonly quota: number;
  /** Seconds; absent for a concurrency cap, which has no window. */
  readonly windowSeconds?: number | undefined;
  /** `qu`; absent means requests. */
  readonly unit?: 'concurrent-requests' | undefined;
}

/** The current service limit of a policy (`"client";r=599;t=1`). */
export interface LimitItem {
  readonly name: string;
  readonly remaining: number;
  /** Seconds; absent for a concurrency cap. */
  readonly resetSeconds?: number | undefined;
}

export const RATELIMIT_POLICY_HEADER = 'ratelimit-policy';
export const RATELIMIT_HEADER = 'ratelimit';
export const RETRY_AFTER_HEADER = 'retry-after';

/** The header fields for these policies and limits; a field with no item is left out. */
export function rateLimitHeaders(policies: readonly PolicyItem[], limits: readonly LimitItem[]): Record<string, string> {
  const headers: Record<string, string> = {};
  if (policies.length > 0) headers[RATELIMIT_POLICY_HEADER] = policies.map(policyItem).join(', ');
  if (limits.length > 0) headers[RATELIMIT_HEADER] = limits.map(limitItem).join(', ');
  return headers;
}

/**
 * `extra`'s fields added to `headers`: the two list fields are joined (one response may carry the
 * client's policies from the HTTP layer and a capability's from the plugin), anything else replaced.
 */
export function mergeRateLimitHeaders(
  headers: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  const merged = { ...headers };
  for (const [name, value] of Object.entries(extra)) {
    const list = name === RATELIMIT_POLICY_HEADER || name === RATELIMIT_HEADER;
    merged[name] = list && merged[name] ? `${value}, ${merged[name]}` : value;
  }
  return merged;
}

function policyItem(policy: PolicyItem): string {
  return (
    sfString(policy.name) +
    `;q=${policy.quota}` +
    (policy.unit ? `;qu=${sfString(policy.unit)}` : '') +
    (policy.windowSeconds === undefined ? '' : `;w=${policy.windowSeconds}`)
  );
}

function limitItem(limit: LimitItem): string {
  return sfString(limit.name) + `;r=${limit.remaining}` + (limit.resetSeconds === undefined ? '' : `;t=${limit.resetSeconds}`);
}

/** An sf-string: printable ASCII, `"` and `\` escaped. Policy names are schema names, so nothing else occurs. */
export function sfString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new TypeError(`a policy name must be printable ASCII; got ${JSON.stringify(value)}`);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
