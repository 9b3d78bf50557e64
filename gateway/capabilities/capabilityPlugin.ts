/**
 * Capability lifecycle at the gateway, from the `@capability` declarations of the supergraph:
 * - a call to a version past its `sunsetAt` date is refused before planning (CAPABILITY_SUNSET, 410);
 * - a call to a deprecated version is answered with `Deprecation` (RFC 9745) and `Sunset`
 *   (RFC 8594) headers, and a `Link` to its successor;
 * - the `Idempotency-Key` header is accepted only for a request with exactly one mutation field
 *   (with two, which one would it key?);
 * - every call is counted by capability name and version (the usage log the registry reads).
 * General: it knows nothing of the capabilities Tessera ships.
 */
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { capabilitiesOf, type CapabilityDeclaration } from '../../schema/capabilities.ts';
import type { RequestScope } from '../../auth/requestScope.ts';
import { tesseraError } from '../../core/errors.ts';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayPlugin } from '../plugin.ts';
import type { PlannedOperations } from '../plannedOperation.ts';

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
          // As the plugins before this one left it: a mutation field authorization removed is not called.
          const { operation, document } = operations.current(requestContext);
          const { contextValue } = requestContext;
          if (!operation || operation.operation !== 'mutation') return;
          const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
          const fields = rootFieldNames(operation, fragments);
          if (contextValue.idempotencyKey !== null && fields.length !== 1) {
            throw tesseraError(
              'BAD_REQUEST',
              `The Idempotency-Key header keys a request with exactly one mutation field; this one has ${fields.length}. ` +
                'Use input.idempotencyKey on each.',
              { extensions: { http: { status: 400 } } },
            );
          }
          const today = now().toISOString().slice(0, 10);
          const called = fields.map((field) => declarations.get(field)).filter((d): d is CapabilityDeclaration => d !== undefined);
          for (const declaration of called) {
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
          for (const declaration of called) onCall?.(declaration, contextValue);
          deprecated = called.filter((declaration) => declaration.deprecatedAt !== null);
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

/** The root field names an operation selects, through inline fragments and fragment spreads. */
function rootFieldNames(operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[]): string[] {
  const names: string[] = [];
  const visit = (selectionSet: SelectionSetNode, seen: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.name.value.startsWith('__')) names.push(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else if (!seen.has(selection.name.value)) {
        const fragment = fragments.find((f) => f.name.value === selection.name.value);
        if (fragment) visit(fragment.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return names;
}
