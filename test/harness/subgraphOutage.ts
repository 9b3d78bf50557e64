/**
 * What tests of subgraph outages share (docs/resilience.md): the error a client sees for a missing
 * part, what fetch throws when nothing listens, and settings whose responses are whole envelopes.
 */
import { loadConfig, type TesseraConfig } from '../../core/config/config.ts';

type Path = readonly (string | number)[];

/** The SUBGRAPH_UNAVAILABLE error at `path`, as the client receives it. */
export function unavailableAt(subgraph: string, path: Path, reason = 'connect_error') {
  return {
    message: `The ${subgraph} subgraph is unavailable; this part of the response is missing.`,
    path,
    extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph, reason, serviceName: subgraph },
  };
}

/** What undici's fetch throws when the port refuses the connection. */
export function connectionRefused(): TypeError {
  const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4003'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
  return new TypeError('fetch failed', { cause });
}

/**
 * The subgraph-call settings (and limits) read from `env`, with cost reports off so that a test's
 * expected envelope is the whole response.
 */
export function outageConfig(env: Record<string, string>): Partial<TesseraConfig> {
  const { subgraphResilience, demandControl, limits } = loadConfig({ TESSERA_COST_REPORT: 'off', ...env });
  return { subgraphResilience, demandControl, limits };
}
