/**
 * Capability lifecycle at the gateway, from the `@capability` declarations of the supergraph:
 * - a call to a version past its `sunsetAt` date is refused before planning (CAPABILITY_SUNSET, 410);
 * - a call to a deprecated version is answered with `Deprecation` (RFC 9745) and `Sunset`
 *   (RFC 8594) headers, and a `Link` to its successor;
 * - the `Idempotency-Key` header is accepted only for a request with exactly one mutation field
 *   as the client sent it (with two, which one would it key?);
 * - a capability call with no key at all (no header, no `input.idempotencyKey`) is refused before
 *   planning (IDEMPOTENCY_KEY_REQUIRED, 400);
 * - every call is counted by capability name and version (the usage log the registry reads).
 * General: it knows nothing of the capabilities Tessera ships.
 */
import {
  getArgumentValues,
  Kind,
  parse,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { capabilitiesOf, type CapabilityDeclaration } from '../../schema/capabilities.ts';
import type { RequestScope } from '../../auth/requestScope.ts';
import { ERROR_CODES, tesseraError } from '../../core/errors.ts';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayPlugin } from '../plugin.ts';
import type { PlannedOperations } from '../plannedOperation.ts';
import { fragmentsOf } from '../fragments.ts';

export interface CapabilityPluginOptions {
  /** The clock sunsets are judged by. @default () => new Date() */
  readonly now?: () => Date;
  /** Called once per capability field an operation calls. */
  readonly onCall?: (declaration: CapabilityDeclaration, context: RequestScope) => void;
}

export function capabilityPlugin(options: CapabilityPluginOptions): GatewayPlugin {
  const now = options.now ?? (() => new Date());
  return {
    name: 'capabilities',
    // The declarations of the supergraph the request is planned against (each supergraph gets its own).
    create: ({ operations }, supergraphSdl) => capabilityLifecycle(capabilitiesOf(parse(supergraphSdl)), operations, now, options.onCall),
  };
}

function capabilityLifecycle(
  declarations: ReadonlyMap<string, CapabilityDeclaration>,
  operations: PlannedOperations,
  now: () => Date,
  onCall: CapabilityPluginOptions['onCall'],
): ApolloServerPlugin<RequestScope> {
  return {
    async requestDidStart() {
      let deprecated: CapabilityDeclaration[] = [];
      return {
        async didResolveOperation(requestContext) {
          if (operations.refused(requestContext)) return;
          const { contextValue } = requestContext;
          const sent = requestContext.operation;
          if (!sent || sent.operation !== 'mutation') return;
          // The header is judged on the operation as the client sent it: a field the authorization
          // filter removed is still a field the client keyed (its denial is the only error it gets).
          const sentFields = rootFields(sent, fragmentsOf(requestContext.document.definitions));
          if (contextValue.idempotencyKey !== null && sentFields.length !== 1) {
            throw tesseraError(
              'BAD_REQUEST',
              `The Idempotency-Key header keys a request with exactly one mutation field; this one has ${sentFields.length}. ` +
                'Use input.idempotencyKey on each.',
              { extensions: { http: { status: ERROR_CODES.BAD_REQUEST.status } } },
            );
          }
          // As the plugins before this one left it: a mutation field authorization removed is not called.
          const { operation, document } = operations.current(requestContext);
          if (!operation) return;
          const fields = rootFields(operation, fragmentsOf(document.definitions));
          const called = fields.flatMap((field) => {
            const declaration = declarations.get(field.name.value);
            return declaration ? [{ field, declaration }] : [];
          });
          if (contextValue.idempotencyKey === null) {
            const mutationType = requestContext.schema.getMutationType();
            const unkeyed = called.filter(({ field }) => !keyedByInput(mutationType, field, requestContext.request.variables));
            if (unkeyed.length > 0) throw idempotencyKeyRequired(unkeyed.map(({ declaration }) => declaration.field));
          }
          const today = now().toISOString().slice(0, 10);
          for (const { declaration } of called) {
            if (declaration.sunsetAt !== null && today >= declaration.sunsetAt) {
              throw tesseraError(
                'CAPABILITY_SUNSET',
                `${declaration.field} (${declaration.name} v${declaration.version}) was retired on ${declaration.sunsetAt}.` +
                  (declaration.successor ? ` Use ${declaration.successor}.` : ''),
                {
                  extensions: {
                    http: { status: 410 },
                    capability: declaration.name,
                    version: declaration.version,
                    successor: declaration.successor,
                  },
                },
              );
            }
          }
          for (const { declaration } of called) onCall?.(declaration, contextValue);
          deprecated = called.map(({ declaration }) => declaration).filter((declaration) => declaration.deprecatedAt !== null);
        },
        async willSendResponse({ response }) {
          if (deprecated.length === 0) return;
          // One set of headers per response; with several deprecated fields, the earliest dates win.
          const earliest = (key: 'deprecatedAt' | 'sunsetAt') =>
            deprecated
              .map((d) => d[key])
              .filter((v): v is string => v !== null)
              .sort()[0];
          const deprecatedAt = earliest('deprecatedAt');
          const sunsetAt = earliest('sunsetAt');
          if (deprecatedAt) response.http.headers.set('deprecation', `@${Date.parse(`${deprecatedAt}T00:00:00Z`) / 1000}`);
          if (sunsetAt) response.http.headers.set('sunset', new Date(`${sunsetAt}T00:00:00Z`).toUTCString());
          const successors = [...new Set(deprecated.map((d) => d.successor).filter((s): s is string => s !== null))];
          if (successors.length) {
            const links = successors.map((s) => `<urn:tessera:capability:Mutation.${s}>; rel="successor-version"`);
            response.http.headers.set('link', links.join(', '));
          }
        },
      };
    },
  };
}

/** The root fields an operation selects, through inline fragments and fragment spreads. */
export function rootFields(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): FieldNode[] {
  const fields: FieldNode[] = [];
  const visit = (selectionSet: SelectionSetNode, seen: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.name.value.startsWith('__')) fields.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return fields;
}

/**
 * Whether a capability field's `input.idempotencyKey` is set (a non-empty string, literal or from a
 * variable). A field or input the gateway cannot read (no `input` argument, a variable that does
 * not coerce) is left to the subgraph, which checks the key again and reports what is wrong.
 */
function keyedByInput(
  mutationType: GraphQLObjectType | null | undefined,
  field: FieldNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): boolean {
  const definition = mutationType?.getFields()[field.name.value];
  if (!definition?.args.some((arg) => arg.name === 'input')) return true;
  try {
    const input = getArgumentValues(definition, field, variables ?? {}).input as Record<string, unknown> | null | undefined;
    const key = input?.idempotencyKey;
    return typeof key === 'string' && key !== '';
  } catch {
    return true;
  }
}

/**
 * A capability call without a key refuses the whole request before any subgraph is called: a
 * request error, HTTP 400 as the catalog says (docs/capabilities.md#rules-every-capability-follows).
 */
function idempotencyKeyRequired(fields: readonly string[]): Error {
  return tesseraError(
    'IDEMPOTENCY_KEY_REQUIRED',
    'Every mutation needs an idempotency key: set input.idempotencyKey, or the Idempotency-Key header.',
    { extensions: { http: { status: ERROR_CODES.IDEMPOTENCY_KEY_REQUIRED.status }, fields: [...new Set(fields)] } },
  );
}
