/**
 * The differential harness (issue 14 "Correctness is not traded"): two gateways from
 * `createGateway` over one supergraph and the same in-process subgraphs, one executing query plans
 * with `@apollo/gateway`'s executor (`apollo`), the other with Tessera's plan executor (`plan`).
 * `compare` sends a request to both, through each gateway's HTTP handler, and gives both answers
 * (status and body) and the subgraph requests each made; `expectSame` (assertions.ts) judges them.
 *
 * Each gateway has its own copy of the subgraphs' data (a mutation sent to one is not seen by the
 * other) and both share the faults of the comparison. Subgraph calls are made without retries and
 * without circuit breakers: a fault gives the same answer however many fetches an executor makes.
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import { defaultFieldResolver, graphql, isObjectType, type GraphQLSchema } from 'graphql';
import { loadConfig } from '../../../core/config/config.ts';
import { createLogger } from '../../../core/logger.ts';
import { createGateway, type Gateway } from '../../../gateway/createGateway.ts';
import type { ExecutorKind } from '../../../core/config/executorKind.ts';
import { createSubgraphCalls } from '../../../gateway/resilience/subgraphCalls.ts';
import { staticSupergraphSource } from '../../../gateway/supergraph/source.ts';
import { apiSchemaOf } from '../../../registry/checks/diff.ts';
import { composeSupergraph } from '../../../schema/compose.ts';
import { gatewayPost } from '../../harness/gatewayPost.ts';
import { ActiveFaults, answerWith, applyFieldFault, type Fault, type Parent } from './faults.ts';
import type { Fixture, SubgraphDefinition } from './supergraphs/define.ts';

/** The executors compared, the reference first. */
export const EXECUTORS = ['apollo', 'plan'] as const satisfies readonly ExecutorKind[];

export interface Request {
  readonly query: string;
  readonly variables?: Record<string, unknown> | undefined;
  readonly operationName?: string | undefined;
}

/** One gateway's answer. */
export interface Answer {
  readonly status: number;
  /** The body as sent. */
  readonly text: string;
  /** The body parsed (undefined when it is not JSON). */
  readonly body: unknown;
  /** Requests made to each subgraph while answering. */
  readonly requests: Readonly<Record<string, number>>;
  /** The subgraph requests in the order they were made: subgraph name and query. */
  readonly fetches: readonly { readonly subgraph: string; readonly query: string }[];
}

export interface Comparison {
  readonly fixture: string;
  readonly request: Request;
  readonly faults: readonly Fault[];
  readonly apollo: Answer;
  readonly plan: Answer;
}

export interface Differential {
  readonly supergraphSdl: string;
  /** The schema clients see: what the property test draws queries from. */
  readonly apiSchema: GraphQLSchema;
  /** The subgraphs (those of the apollo gateway): what faults can target. */
  readonly subgraphs: readonly SubgraphDefinition[];
  /** Sends `request` to the apollo gateway, then to the plan gateway, with `faults` in force for both. */
  compare(request: Request | string, faults?: readonly Fault[]): Promise<Comparison>;
  stop(): Promise<void>;
}

/** The subgraph a URL of the harness names: `http://<name>.test/graphql`. */
function subgraphOf(url: string): string {
  return new URL(url).hostname.replace(/\.test$/, '');
}

/** Every resolver of `schema` (defaults included) first asks `faults` whether it should fail for its parent. */
function withFaults(subgraph: string, schema: GraphQLSchema, faults: ActiveFaults): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const coordinate = `${type.name}.${field.name}`;
      field.resolve = (parent, args, context, info) => {
        const fault = faults.fieldFault(subgraph, coordinate, (parent ?? {}) as Parent);
        return fault ? applyFieldFault(fault) : resolve(parent, args, context, info);
      };
    }
  }
  return schema;
}

interface Recorder {
  requests: Record<string, number>;
  fetches: { subgraph: string; query: string }[];
}

/** The in-process subgraphs of one gateway, recording each request into `recorder`. */
function subgraphFetcher(subgraphs: readonly SubgraphDefinition[], faults: ActiveFaults, recorder: Recorder): Fetcher {
  const schemas = new Map(subgraphs.map((subgraph) => [subgraph.name, withFaults(subgraph.name, subgraph.schema, faults)]));
  return async (url, init) => {
    const subgraph = subgraphOf(url);
    const schema = schemas.get(subgraph);
    if (!schema) throw new TypeError(`the differential harness has no subgraph ${subgraph}`);
    const { query, variables } = JSON.parse(String(init?.body)) as { query: string; variables?: Record<string, unknown> };
    recorder.requests[subgraph] = (recorder.requests[subgraph] ?? 0) + 1;
    recorder.fetches.push({ subgraph, query });
    const execute = async () =>
      JSON.parse(JSON.stringify(await graphql({ schema, source: query, variableValues: variables ?? null }))) as Record<string, unknown>;
    const fault = faults.answerFault(subgraph, query);
    if (fault) return answerWith(fault, execute);
    return new Response(JSON.stringify(await execute()), { headers: { 'content-type': 'application/json' } });
  };
}

/** Starts both gateways over `fixture`'s supergraph. */
export async function startDifferential(fixture: Fixture): Promise<Differential> {
  const definitions = fixture.subgraphs();
  const supergraphSdl = composeSupergraph(
    definitions.map((subgraph) => ({ name: subgraph.name, url: `http://${subgraph.name}.test/graphql`, sdl: subgraph.sdl })),
  );
  const faults = new ActiveFaults();
  // Faults give the same answers however many fetches an executor makes: no retries, no breakers.
  const resilience = loadConfig({ TESSERA_SUBGRAPH_RETRIES: '0', TESSERA_SUBGRAPH_BREAKER: 'off' }).subgraphResilience;
  const started = await Promise.all(
    EXECUTORS.map(async (executor, index) => {
      const recorder: Recorder = { requests: {}, fetches: [] };
      const gateway = await createGateway({
        supergraph: staticSupergraphSource(supergraphSdl),
        // Its own data: the first gateway reuses the subgraphs composed above, the second builds fresh ones.
        fetcher: subgraphFetcher(index === 0 ? definitions : fixture.subgraphs(), faults, recorder),
        logger: createLogger('silent'),
        authenticate: async () => null,
        signPrincipal: () => 'signed',
        plugins: [],
        subgraphCalls: createSubgraphCalls(resilience),
        executor,
      });
      return { executor, gateway, recorder };
    }),
  );
  async function send(gateway: Gateway, recorder: Recorder, request: Request): Promise<Answer> {
    recorder.requests = {};
    recorder.fetches = [];
    const response = await gatewayPost(gateway, request);
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      body = undefined;
    }
    return { status: response.status, text: response.text, body, requests: recorder.requests, fetches: recorder.fetches };
  }
  return {
    supergraphSdl,
    apiSchema: apiSchemaOf(supergraphSdl),
    subgraphs: definitions,
    async compare(given, faultList = []) {
      const request = typeof given === 'string' ? { query: given } : given;
      faults.set(faultList);
      try {
        const [apollo, plan] = [
          await send(started[0]!.gateway, started[0]!.recorder, request),
          await send(started[1]!.gateway, started[1]!.recorder, request),
        ];
        return { fixture: fixture.name, request, faults: faultList, apollo, plan };
      } finally {
        faults.set([]);
      }
    },
    async stop() {
      await Promise.all(started.map(({ gateway }) => gateway.stop()));
    },
  };
}
