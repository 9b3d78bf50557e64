/**
 * The federation benchmark's workload (graphql-hive/graphql-gateways-benchmark), as data in
 * `bench/federation/workload/`: the four subgraph SDLs, their data, the query and the exact answer
 * every correct gateway returns (README "Federation benchmark").
 */
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

const WORKLOAD = new URL('./workload/', import.meta.url);

export const SUBGRAPH_NAMES = ['accounts', 'inventory', 'products', 'reviews'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export function readWorkloadFile(name: string): string {
  return fs.readFileSync(new URL(name, WORKLOAD), 'utf8');
}

export function readWorkloadJson<T>(name: string): T {
  return JSON.parse(readWorkloadFile(name)) as T;
}

/** The SDL of subgraph `name`. */
export function subgraphSdl(name: SubgraphName): string {
  return readWorkloadFile(`${name}.graphql`);
}

/** The benchmark's operation (`TestQuery`). */
export const BENCHMARK_QUERY = readWorkloadFile('query.graphql');

/** The request body every gateway receives. */
export const BENCHMARK_BODY = JSON.stringify({ query: BENCHMARK_QUERY, operationName: 'TestQuery' });

/** The exact `{ "data": ... }` answer, parsed. */
export function expectedResponse(): unknown {
  return readWorkloadJson('expected-response.json');
}

let expected: unknown;

/** Whether the body `text` is the expected response: deep-equal after JSON.parse (key order and spacing aside). */
export function isExpectedAnswer(text: string): boolean {
  expected ??= expectedResponse();
  try {
    return isDeepStrictEqual(JSON.parse(text), expected);
  } catch {
    return false;
  }
}
