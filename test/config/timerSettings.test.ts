/**
 * Millisecond settings that become a Node timer: a delay above 2^31-1 ms is not honoured (Node
 * fires it after 1 ms), so `TESSERA_EXECUTION_TIMEOUT_MS=3000000000` answered every request 504 at
 * once and `TESSERA_REGISTRY_POLL_MS=3000000000` polled the registry every millisecond. Each is
 * refused at start, naming the variable; the largest delay a timer keeps is accepted.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { MAX_TIMER_MS } from '../../core/config/timerMs.ts';

const VARIABLES = [
  'TESSERA_EXECUTION_TIMEOUT_MS',
  'TESSERA_SUBGRAPH_TIMEOUT_MS',
  'TESSERA_SUBGRAPH_ERP_TIMEOUT_MS',
  'TESSERA_SHUTDOWN_TIMEOUT_MS',
  'TESSERA_REGISTRY_POLL_MS',
] as const;

describe('millisecond settings a timer waits for', () => {
  it('the largest delay a Node timer keeps is 2^31-1 ms', () => {
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
  });

  it.each(VARIABLES)('%s above it is refused with a TypeError naming the variable', (variable) => {
    const load = () => loadConfig({ [variable]: '3000000000' });
    expect(load).toThrow(TypeError);
    expect(load).toThrow(new RegExp(`^${variable} must be at most 2147483647 ms \\(about 24 days\\); got 3000000000$`));
  });

  it.each(VARIABLES)('%s at it is accepted', (variable) => {
    expect(() => loadConfig({ [variable]: String(MAX_TIMER_MS) })).not.toThrow();
  });

  it('the values read are the ones given', () => {
    const config = loadConfig({
      TESSERA_EXECUTION_TIMEOUT_MS: String(MAX_TIMER_MS),
      TESSERA_SUBGRAPH_TIMEOUT_MS: String(MAX_TIMER_MS),
      TESSERA_SUBGRAPH_ERP_TIMEOUT_MS: '1234',
      TESSERA_SHUTDOWN_TIMEOUT_MS: String(MAX_TIMER_MS),
      TESSERA_REGISTRY_POLL_MS: String(MAX_TIMER_MS),
    });
    expect({
      execution: config.demandControl.executionTimeoutMs,
      subgraph: config.subgraphResilience.timeoutMs,
      erp: config.subgraphResilience.timeouts,
      shutdown: config.shutdownTimeoutMs,
    }).toEqual({ execution: MAX_TIMER_MS, subgraph: MAX_TIMER_MS, erp: { erp: 1234 }, shutdown: MAX_TIMER_MS });
  });
});
