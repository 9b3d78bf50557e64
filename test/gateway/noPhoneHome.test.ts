/**
 * A self-hosted gateway never phones home (issue 11): with every Apollo variable set that would
 * turn on usage reporting, schema reporting or the gateway's own telemetry, a whole Tessera
 * (gateway and embedded subgraphs) starts, answers through the subgraphs and stops without one
 * outbound request to anywhere but itself. Every way out is watched: global fetch (Apollo Server's
 * reporters) and node's http/https request functions (the OpenTelemetry exporter of @apollo/gateway).
 */
import http from 'node:http';
import https from 'node:https';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestTessera } from '../harness/startTestTessera.ts';

const APOLLO_VARIABLES = {
  APOLLO_KEY: 'service:tessera:not-a-real-key',
  APOLLO_GRAPH_REF: 'tessera@production',
  APOLLO_SCHEMA_REPORTING: 'true',
  // Unset, so that only Tessera's own code can be what keeps the gateway's telemetry off.
  APOLLO_TELEMETRY_DISABLED: undefined,
} as const;

const saved = Object.fromEntries(Object.keys(APOLLO_VARIABLES).map((key) => [key, process.env[key]]));

afterEach(() => {
  vi.restoreAllMocks();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** The host of an outbound call, from any of the argument shapes fetch and http(s).request take. */
function hostOf(target: unknown): string {
  if (typeof target === 'string') return new URL(target).hostname;
  if (target instanceof URL) return target.hostname;
  if (target instanceof Request) return new URL(target.url).hostname;
  const options = target as { hostname?: string; host?: string } | undefined;
  return options?.hostname ?? options?.host ?? 'localhost';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

describe('Apollo reporting', () => {
  it('sends nothing outside the process, with APOLLO_KEY, APOLLO_GRAPH_REF and APOLLO_SCHEMA_REPORTING set', async () => {
    for (const [key, value] of Object.entries(APOLLO_VARIABLES)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    const outbound: string[] = [];
    const watch = (host: string) => {
      if (!LOOPBACK.has(host)) outbound.push(host);
    };
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
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

    const tessera = await startTestTessera({ scale: 'none' });
    try {
      for (let i = 0; i < 3; i += 1) {
        expect(await tessera.query('{ legalEntities { code } }')).toEqual({ data: { legalEntities: [] } });
      }
    } finally {
      // Stopping is when reporters flush what they collected.
      await tessera.stop();
    }
    expect(outbound).toEqual([]);
    // The watch sees the calls the test makes itself: it is really in place.
    expect(vi.mocked(globalThis.fetch)).toHaveBeenCalled();
  });
});
