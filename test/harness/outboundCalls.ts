import http from 'node:http';
import https from 'node:https';
import { vi } from 'vitest';

/** The host of an outbound call, from any of the argument shapes fetch and http(s).request take. */
function hostOf(target: unknown): string {
  if (typeof target === 'string') return new URL(target).hostname;
  if (target instanceof URL) return target.hostname;
  if (target instanceof Request) return new URL(target.url).hostname;
  const options = target as { hostname?: string; host?: string } | undefined;
  return options?.hostname ?? options?.host ?? 'localhost';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Watches every way out of the process (global fetch: Apollo Server's reporters; node's http/https
 * request functions: the OpenTelemetry exporter of @apollo/gateway) and lists the hosts other than
 * this machine that were called. `vi.restoreAllMocks()` ends the watch.
 */
export function watchOutboundCalls(): { readonly outbound: string[]; readonly fetchCalls: () => number } {
  const outbound: string[] = [];
  const watch = (host: string) => {
    if (!LOOPBACK.has(host)) outbound.push(host);
  };
  const realFetch = globalThis.fetch;
  const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    watch(hostOf(input));
    return realFetch(input, init);
  });
  for (const module of [http, https]) {
    const realRequest = module.request;
    vi.spyOn(module, 'request').mockImplementation(((target: unknown, ...rest: unknown[]) => {
      watch(hostOf(target));
      return (realRequest as (...args: unknown[]) => http.ClientRequest)(target, ...rest);
    }) as typeof module.request);
  }
  return { outbound, fetchCalls: () => fetchSpy.mock.calls.length };
}
