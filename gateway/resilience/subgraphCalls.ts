/**
 * How the gateway calls each subgraph (docs/resilience.md): its timeout, its circuit breaker, the
 * retry policy of query fetches, what a foreign subgraph's error messages become, and the metrics.
 * One per process part, shared by every supergraph generation, so a breaker outlives a swap.
 */
import { readSubgraphResilienceConfig, subgraphTimeoutMs, type SubgraphResilienceConfig } from '../../core/config/subgraphResilience.ts';
import type { Metrics } from '../../core/metrics.ts';
import { BREAKER_STATE_VALUE, createBreaker, type Breaker } from './breaker.ts';
import type { UnavailableReason } from './failure.ts';
import { BREAKER_STATE, defineSubgraphMetrics, SUBGRAPH_DURATION, SUBGRAPH_ERRORS } from './metrics.ts';

export interface SubgraphCalls {
  readonly config: SubgraphResilienceConfig;
  /** The bound on one fetch to `subgraph`, its retries included. */
  timeoutMs(subgraph: string): number;
  /** The subgraph's breaker; null when breakers are off. */
  breaker(subgraph: string): Breaker | null;
  /** The draw of the retry backoff's jitter, 0 to 1. */
  random(): number;
  /** Records one attempt's duration. */
  observe(subgraph: string, seconds: number): void;
  /** Records a call without a usable answer. */
  failed(subgraph: string, reason: UnavailableReason | 'response_too_large'): void;
}

export interface SubgraphCallsOptions {
  /** Where the subgraph metrics go; none when not given. */
  readonly metrics?: Metrics | undefined;
  /** The breakers' clock, in milliseconds. @default Date.now */
  readonly now?: (() => number) | undefined;
  /** @default Math.random */
  readonly random?: (() => number) | undefined;
}

export function createSubgraphCalls(
  config: SubgraphResilienceConfig = readSubgraphResilienceConfig({}, 'development'),
  options: SubgraphCallsOptions = {},
): SubgraphCalls {
  const metrics = options.metrics ? defineSubgraphMetrics(options.metrics) : undefined;
  const now = options.now ?? Date.now;
  const breakers = new Map<string, Breaker>();
  return {
    config,
    timeoutMs: (subgraph) => subgraphTimeoutMs(config, subgraph),
    breaker(subgraph) {
      if (!config.breaker) return null;
      let breaker = breakers.get(subgraph);
      if (!breaker) {
        const setGauge = (value: number) => metrics?.set(BREAKER_STATE, { subgraph }, value);
        breaker = createBreaker(config.breaker, now, (state) => setGauge(BREAKER_STATE_VALUE[state]));
        breakers.set(subgraph, breaker);
        setGauge(BREAKER_STATE_VALUE.closed);
      }
      return breaker;
    },
    random: options.random ?? Math.random,
    observe: (subgraph, seconds) => metrics?.observe(SUBGRAPH_DURATION, { subgraph }, seconds),
    failed: (subgraph, reason) => metrics?.increment(SUBGRAPH_ERRORS, { subgraph, reason }),
  };
}
