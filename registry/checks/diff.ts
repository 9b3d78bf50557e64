/**
 * The `changes` check (docs/registry.md#changes): what changed in the schema clients see, each
 * change with a severity and the usage coordinates that say whether a client is affected. A
 * coordinate-based diff of our own: graphql-js's findBreakingChanges names no coordinates.
 */
import { Supergraph } from '@apollo/federation-internals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Finding, SchemaChange } from '../types.ts';
import { diffWithin, type DiffScope } from './diffTypes.ts';

/** Building an API schema takes a few hundred ms on the canonical graph; a check compares the same few supergraphs over and over. */
const API_SCHEMA_CACHE_SIZE = 8;
const apiSchemas = new Map<string, GraphQLSchema>();

/**
 * The client-facing API schema of a supergraph: no federation, join or link internals, no
 * `@inaccessible` elements. Memoised by SDL (the most recently used few).
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  const cached = apiSchemas.get(supergraphSdl);
  if (cached) {
    apiSchemas.delete(supergraphSdl);
    apiSchemas.set(supergraphSdl, cached);
    return cached;
  }
  const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  apiSchemas.set(supergraphSdl, schema);
  if (apiSchemas.size > API_SCHEMA_CACHE_SIZE) apiSchemas.delete(apiSchemas.keys().next().value!);
  return schema;
}

const API_SCOPE: DiffScope = { ignoresType: () => false, ignoresField: () => false, ignoresDirective: () => false };

/** Every change from `before` to `after`, sorted by coordinate, then kind. */
export function diffGraphQLSchemas(before: GraphQLSchema, after: GraphQLSchema): SchemaChange[] {
  return diffWithin(before, after, API_SCOPE);
}

/** The changes between two supergraphs' API schemas; none when there was no supergraph before. */
export function diffSchemas(before: string | null, after: string): SchemaChange[] {
  if (before === null) return [];
  return diffGraphQLSchemas(apiSchemaOf(before), apiSchemaOf(after));
}

/**
 * The changes between two versions of one subgraph's SDL (Federation 2), on the schemas
 * `buildSubgraphSchema` makes of them, without what federation adds (`_service`, `_entities`,
 * `_Any`, `_Entity`, `link__*`, `federation__*`, and every directive the SDL does not define itself).
 */
export function diffSubgraphSdls(before: string, after: string): SchemaChange[] {
  const beforeDocument = parse(before);
  const afterDocument = parse(after);
  const ownDirectives = new Set([...definedDirectives(beforeDocument), ...definedDirectives(afterDocument)]);
  const scope: DiffScope = {
    ignoresType: (name) => FEDERATION_TYPES.has(name) || name.startsWith('link__') || name.startsWith('federation__'),
    ignoresField: (_type, field) => field === '_service' || field === '_entities',
    ignoresDirective: (name) => !ownDirectives.has(name),
  };
  return diffWithin(buildSubgraphSchema(beforeDocument), buildSubgraphSchema(afterDocument), scope);
}

const FEDERATION_TYPES = new Set(['_Any', '_Entity', '_Service', '_FieldSet']);

function definedDirectives(document: DocumentNode): string[] {
  return document.definitions.flatMap((definition) => (definition.kind === Kind.DIRECTIVE_DEFINITION ? [definition.name.value] : []));
}

const FINDING_SEVERITY = { BREAKING: 'warning', DANGEROUS: 'warning', SAFE: 'info' } as const;
const SEVERITY_LABEL = { BREAKING: 'Breaking', DANGEROUS: 'Dangerous', SAFE: 'Safe' } as const;

/**
 * The `changes` section: breaking and dangerous changes as warnings, safe ones as info. Whether a
 * breaking change is refused is the usage check's call (usageCheck.ts), not this one's.
 */
export function changeFindings(changes: readonly SchemaChange[]): Finding[] {
  return changes.map((change) => ({
    rule: change.kind,
    severity: FINDING_SEVERITY[change.severity],
    coordinate: change.coordinate,
    subgraph: null,
    message: `${SEVERITY_LABEL[change.severity]}: ${change.message}`,
  }));
}
