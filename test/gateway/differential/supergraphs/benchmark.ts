/**
 * The federation benchmark's four subgraphs (bench/federation/: accounts, inventory, products,
 * reviews) as a differential fixture, with the reference resolvers and data, so that the workload's
 * query runs through both executors on the very supergraph the benchmark measures.
 */
import { subgraphSchema } from '../../../../bench/federation/subgraphSchemas.ts';
import { SUBGRAPH_NAMES, subgraphSdl } from '../../../../bench/federation/workload.ts';
import type { Fixture } from './define.ts';

export const BENCHMARK: Fixture = {
  name: 'benchmark',
  subgraphs: () => SUBGRAPH_NAMES.map((name) => ({ name, sdl: subgraphSdl(name), schema: subgraphSchema(name) })),
};
