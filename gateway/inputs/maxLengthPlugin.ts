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
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestScope } from '../../auth/requestScope.ts';
import { lengthRefusal, maxLengthsOf, overLength, type MaxLengths } from '../../schema/maxLength.ts';
import type { GatewayPlugin } from '../plugin.ts';

export function maxLengthPlugin(): GatewayPlugin {
  return {
    name: 'maxLength',
    create: ({ operations }, supergraphSdl): ApolloServerPlugin<RequestScope> => {
      const lengths = maxLengthsOf(parse(supergraphSdl));
      return {
        async requestDidStart() {
          return {
            async didResolveOperation(requestContext) {
              if (operations.refused(requestContext) || lengths.size === 0) return;
              const { operation, document, schema, request } = requestContext;
              if (!operation) return;
              const refusal = firstRefusal(schema, lengths, document, operation, request.variables ?? {});
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

/**
 * The refusal for the first over-long argument value of the operation as the client sent it
 * (its fragments included, each walked once), or null. An argument whose variables do not coerce
 * is left to execution, which reports it.
 */
function firstRefusal(
  schema: GraphQLSchema,
  lengths: MaxLengths,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
) {
  const typeInfo = new TypeInfo(schema);
  let refusal: ReturnType<typeof lengthRefusal> | null = null;
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(node) {
      if (refusal || !node.arguments?.length) return;
      const field = typeInfo.getFieldDef();
      const parent = typeInfo.getParentType();
      if (!field || !parent) return;
      let args: Record<string, unknown>;
      try {
        args = getArgumentValues(field, node, variables);
      } catch {
        return;
      }
      const violation = overLength(lengths, parent.name, field, args);
      if (violation) refusal = lengthRefusal(violation, `${parent.name}.${field.name}`, { wholeRequest: true });
    },
  });
  for (const definition of document.definitions) {
    if (definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition, visitor);
    if (refusal) return refusal;
  }
  return null;
}
