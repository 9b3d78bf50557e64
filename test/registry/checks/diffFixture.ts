/** A small API schema the diff suites edit one thing at a time. */
import { buildSchema } from 'graphql';
import { diffGraphQLSchemas } from '../../../registry/checks/diff.ts';
import type { SchemaChange } from '../../../registry/types.ts';

export const BASE = `
directive @cached(ttl: Int, scope: String) on FIELD | FRAGMENT_SPREAD
type Query {
  projects(status: ProjectStatus, first: Int = 50): [Project!]!
  project(id: ID!): Project
  search(term: String!): [SearchResult!]!
}
type Mutation {
  createProject(input: ProjectInput!): Project
}
interface Node {
  id: ID!
}
type Project implements Node {
  id: ID!
  code: String
  name: String!
  status: ProjectStatus!
  budget: Money
}
type Person implements Node {
  id: ID!
  name: String!
}
type Money {
  amount: String!
  currency: String!
}
union SearchResult = Project | Person
enum ProjectStatus {
  ACTIVE
  ON_HOLD
  CLOSED
}
input ProjectInput {
  name: String!
  note: String
  budget: MoneyInput
}
input MoneyInput {
  amount: String!
  currency: String!
}
`;

/** BASE with `from` replaced by `to`; throws when `from` is not in it, so an edit cannot silently do nothing. */
export function edited(from: string, to: string, sdl = BASE): string {
  if (!sdl.includes(from)) throw new Error(`the fixture has no ${JSON.stringify(from)}`);
  return sdl.replace(from, to);
}

export function changesOf(before: string, after: string): SchemaChange[] {
  return diffGraphQLSchemas(buildSchema(before), buildSchema(after));
}

export function change(
  severity: SchemaChange['severity'],
  kind: string,
  coordinate: string,
  message: string,
  usageCoordinates: string[] = [],
): SchemaChange {
  return { severity, kind, coordinate, message, usageCoordinates };
}
