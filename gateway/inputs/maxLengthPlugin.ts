/**
 * Free-text inputs within their declared lengths (docs/capabilities.md#input-lengths): every
 * argument value of the operation, literal or from a variable, is checked against the supergraph's
 * `@maxLength` declarations before planning; one too long refuses the whole request with HTTP 400
 * BAD_USER_INPUT naming the input path, the limit and the actual length, so no subgraph is called
 * and nothing is stored. General: it reads the declarations, it knows no field.
 */
import {
  getArgumentValues,
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestScope } from '../../auth/requestScope.ts';
import { lengthRefusal, mayHoldDeclared, maxLengthsOf, overLength, type MaxLengths } from '../../schema/maxLength.ts';
import { BoundedCache } from '../../core/boundedCache.ts';
import type { GatewayPlugin } from '../plugin.ts';

export function maxLengthPlugin(): GatewayPlugin {
  return {
    name: 'maxLength',
    create: ({ operations }, supergraphSdl): ApolloServerPlugin<RequestScope> => {
      const lengths = maxLengthsOf(parse(supergraphSdl));
      // Which fields of an operation take arguments that can hold a declared input depends only on
      // the document: found once per document, so a query with none costs a lookup.
      const candidatesOf = new BoundedCache<string, readonly Candidate[]>(1000);
      return {
        async requestDidStart() {
          return {
            async didResolveOperation(requestContext) {
              if (operations.refused(requestContext) || lengths.size === 0) return;
              const { operation, document, schema, request, queryHash } = requestContext;
              if (!operation) return;
              const key = `${queryHash}\0${request.operationName ?? ''}`;
              let candidates = candidatesOf.get(key);
              if (!candidates) {
                candidates = candidateFields(schema, lengths, document, operation);
                candidatesOf.set(key, candidates);
              }
              const refusal = firstRefusal(lengths, candidates, request.variables ?? {});
              if (refusal) {
                operations.refuse(requestContext);
                throw refusal;
              }
            },
          };
        },
      };
    },
  };
}

/** A field of the operation with an argument that can hold a declared input. */
interface Candidate {
  readonly node: FieldNode;
  readonly field: GraphQLField<unknown, unknown>;
  readonly parentName: string;
}

/**
 * The fields of the operation as the client sent it (its fragments included, each walked once)
 * with an argument whose type can hold a declared input.
 */
function candidateFields(
  schema: GraphQLSchema,
  lengths: MaxLengths,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): Candidate[] {
  const typeInfo = new TypeInfo(schema);
  const candidates: Candidate[] = [];
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(node) {
      if (!node.arguments?.length) return;
      const field = typeInfo.getFieldDef();
      const parent = typeInfo.getParentType();
      if (field && parent && mayHoldDeclared(lengths, parent.name, field)) candidates.push({ node, field, parentName: parent.name });
    },
  });
  for (const definition of document.definitions) {
    if (definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition, visitor);
  }
  return candidates;
}

/** The refusal for the first over-long argument value, or null. Arguments whose variables do not coerce are left to execution. */
function firstRefusal(lengths: MaxLengths, candidates: readonly Candidate[], variables: Readonly<Record<string, unknown>>) {
  for (const { node, field, parentName } of candidates) {
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, variables);
    } catch {
      continue;
    }
    const violation = overLength(lengths, parentName, field, args);
    if (violation) return lengthRefusal(violation, `${parentName}.${field.name}`, { wholeRequest: true });
  }
  return null;
}
