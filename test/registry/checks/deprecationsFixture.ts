/** A small governed supergraph with a deprecation of every kind, for the deprecation and sunset suites. */
import { composeSupergraph } from '../../../schema/compose.ts';
import { governed } from '../../schema/realSchema.ts';

export const DEPRECATING_SUBGRAPH = governed(`
type Query {
  project(id: ID!, legacy: Boolean @deprecated(reason: "Ignored. Sunset 2026-09-30.")): Project
  projects(filter: ProjectFilter): [Project!]!
}
type Project {
  id: ID!
  code: String @deprecated(reason: "Use name. Sunset 2026-07-01.")
  name: String!
  status: ProjectStatus!
}
enum ProjectStatus {
  ACTIVE
  ON_HOLD @deprecated(reason: "Use ACTIVE.")
}
input ProjectFilter {
  code: String @deprecated(reason: "Use name. sunset: 2026-08-15")
  name: String
}
type Mutation {
  releaseInvoice(id: ID!): Boolean
    @deprecated(reason: "Use releaseInvoiceV2.")
    @capability(name: "erp.releaseInvoice", version: 1, financial: true, deprecatedAt: "2026-01-01", sunsetAt: "2026-06-30", successor: "releaseInvoiceV2")
  releaseInvoiceV2(id: ID!): Boolean @capability(name: "erp.releaseInvoice", version: 2, financial: true)
}`);

/** The supergraph of `sdl` (by default the fixture) as the only subgraph. */
export function fixtureSupergraph(sdl = DEPRECATING_SUBGRAPH): string {
  return composeSupergraph([{ name: 'erp', url: 'http://erp.test/graphql', sdl }]);
}

/** The fixture with `from` cut out; throws when it is not there. */
export function without(from: string): string {
  if (!DEPRECATING_SUBGRAPH.includes(from)) throw new Error(`the fixture has no ${JSON.stringify(from)}`);
  return DEPRECATING_SUBGRAPH.replace(from, '');
}
