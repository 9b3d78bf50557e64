/**
 * Where webhooks may be sent (docs/processes.md#webhooks). In production only `https` URLs to
 * public addresses: a subscription must not turn Tessera into a proxy into its own network
 * (SSRF), so a literal private, loopback, link-local or otherwise reserved address is refused when
 * the subscription is made, and every name is resolved again at each delivery and refused when it
 * resolves to such an address (a name may point elsewhere later). In development `http` is also
 * allowed, to `localhost` only, for a receiver on the developer's machine.
 */
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

export type WebhookEnvironment = 'development' | 'production';

export type UrlVerdict = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly reason: string };

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether `raw` may be a webhook target in `env`, and why not. */
export function checkWebhookUrl(raw: string, env: WebhookEnvironment): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'the URL does not parse' };
  }
  if (raw.length > 2048) return { ok: false, reason: 'the URL is longer than 2048 characters' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'the URL must not carry credentials' };
  if (url.hash !== '') return { ok: false, reason: 'the URL must not have a fragment' };
  const local = LOCAL_NAMES.has(url.hostname) || url.hostname.endsWith('.localhost');
  if (url.protocol === 'http:') {
    if (env === 'production') return { ok: false, reason: 'webhook URLs must use https' };
    if (!local) return { ok: false, reason: 'http is allowed only to localhost (in development); use https' };
    return { ok: true, url };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'webhook URLs must use https' };
  if (env === 'production') {
    if (local) return { ok: false, reason: 'the URL names this machine' };
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) !== 0 && isPrivateAddress(literal)) return { ok: false, reason: 'the URL names a private or reserved address' };
  }
  return { ok: true, url };
}

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IPv4 or IPv6 literal) is private, loopback, link-local, shared, documentation, multicast or reserved. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return true;
  // An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  return PRIVATE.check(address, 'ipv6');
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that refuses names resolving to a private address: the address the
 * socket connects to is the one checked, so a name cannot pass the check and then resolve elsewhere.
 */
export function publicOnlyLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    const refused = list.find((entry) => isPrivateAddress(entry.address));
    if (refused || list.length === 0) {
      const denied = Object.assign(new Error(`the webhook host resolves to a private or reserved address`), { code: 'EWEBHOOKPRIVATE' });
      return callback(denied, []);
    }
    if ((options as { all?: boolean }).all) return callback(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
}
