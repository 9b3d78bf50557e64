/** The API schema of a supergraph as clients see it (its @inaccessible elements left out), for the contract suites. */
import { Supergraph } from '@apollo/federation-internals';
import { isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** The API schema printed, sorted by name: every type, field, argument and value the contract's clients see. */
export function printedApi(supergraphSdl: string): string {
  return printSchema(lexicographicSortSchema(apiSchemaOf(supergraphSdl))).trim();
}

/** `Query.field` and `Mutation.field` coordinates of the API schema, sorted. */
export function rootFieldsOf(supergraphSdl: string): string[] {
  const schema = apiSchemaOf(supergraphSdl);
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
    .flatMap((type) => (type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : []))
    .sort();
}

/** Every `Type.field` of the API schema's object types (root types included), sorted. */
export function objectFieldsOf(supergraphSdl: string): string[] {
  return Object.values(apiSchemaOf(supergraphSdl).getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
    .flatMap((type) => (isObjectType(type) ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : []))
    .sort();
}
