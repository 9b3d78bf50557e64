/**
 * A self-hosted gateway never phones home (issue 11): with every Apollo variable set that would
 * turn on usage reporting, schema reporting or the gateway's own telemetry, a whole Tessera
 * (gateway and embedded subgraphs) starts, answers through the subgraphs and stops without one
 * outbound request to anywhere but itself. Every way out is watched: global fetch (Apollo Server's
 * reporters) and node's http/https request functions (the OpenTelemetry exporter of @apollo/gateway).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchOutboundCalls } from '../harness/outboundCalls.ts';
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

describe('Apollo reporting', () => {
  it('sends nothing outside the process, with APOLLO_KEY, APOLLO_GRAPH_REF and APOLLO_SCHEMA_REPORTING set', async () => {
    for (const [key, value] of Object.entries(APOLLO_VARIABLES)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    const { outbound, fetchCalls } = watchOutboundCalls();

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
    expect(fetchCalls()).toBeGreaterThan(0);
  });
});
