import { createHash } from 'node:crypto';
import { HeaderMap, type GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import type { NamedPolicy } from '../../policies/namedPolicy.ts';
import type { Principal } from '../../auth/principal.ts';
import { policyRegistryMismatches } from '../../policies/registry.ts';
import { decide, type Decision, type Requirement } from '../../policies/requirements.ts';
import type { RequestScope } from '../../auth/requestScope.ts';
import { ERROR_CODES, tesseraError } from '../../core/errors.ts';
import type { GatewayPlugin } from '../plugin.ts';
import { applyDenials } from './applyDenials.ts';
import { BoundedCache } from '../../core/boundedCache.ts';
import { filterOperation, reportedDenials, type FilteredOperation } from './filterOperation.ts';
import { requirementIndex, type RequirementIndex } from './requirementIndex.ts';

export interface AuthorizationOptions {
  /**
   * `filter` (default): denied fields are removed before planning and come back null with an
   * error each; the rest of the operation answers. `reject`: any denied field refuses the whole
   * operation (401/403).
   */
  readonly mode: 'filter' | 'reject';
  readonly policies: ReadonlyMap<string, NamedPolicy>;
  /** Called once per operation with denials (metrics). */
  readonly onDenied?: (denied: FilteredOperation['denied']) => void;
}

/**
 * Enforces `@authenticated`, `@requiresScopes` and `@policy` before the query planner sees the
 * operation: denied fields are removed from the operation it plans (`PlannedOperations`). Each
 * supergraph gets its own requirement index; one whose policies disagree with the policy registry
 * is refused (`create` throws), so a gateway with a misspelled or dead policy never starts, and
 * never swaps such a supergraph in.
 */
export function authorizationPlugin(options: AuthorizationOptions): GatewayPlugin {
  return {
    name: 'authorization',
    create: ({ operations }, supergraphSdl) => {
      const index = checkedIndex(supergraphSdl, options.policies);
      // Filtering is a pure function of the supergraph, the operation and what the principal is granted,
      // so its result is reused across requests: the common case (same query, same rights) skips the walk.
      const filterCache = new BoundedCache<string, FilteredOperation | null>(1000);
      return {
        async requestDidStart() {
          let filtered: FilteredOperation | null = null;
          return {
            async didResolveOperation(requestContext: GraphQLRequestContextDidResolveOperation<RequestScope>) {
              // Refused by a plugin before this one (operation limits): no authorization work.
              if (operations.refused(requestContext)) return;
              const { principal, logger } = requestContext.contextValue;
              const { document, queryHash } = operations.current(requestContext);
              const decisions = new Map<string, Decision>();
              const decideField = (parentType: string, fieldName: string, returnType: string): Decision => {
                const key = `${parentType}.${fieldName}:${returnType}`;
                let decision = decisions.get(key);
                if (!decision) {
                  const ofField = index.fields.get(`${parentType}.${fieldName}`) ?? NONE;
                  const requirements = [...ofField, ...(index.types.get(returnType) ?? NONE)];
                  decision = decide(requirements, principal, options.policies);
                  decisions.set(key, decision);
                }
                return decision;
              };
              const cacheKey = `${queryHash}\0${requestContext.request.operationName ?? ''}\0${rightsKey(principal, options.policies)}`;
              let result = filterCache.get(cacheKey);
              if (result === undefined) {
                result = filterOperation(requestContext.schema, document, requestContext.request.operationName, decideField);
                filterCache.set(cacheKey, result);
              }
              if (!result || result.denied.length === 0) return;
              // Denied fields the client skipped (@skip/@include) are removed all the same, but not reported;
              // this depends on the variables, so it is decided per request, after the cache.
              const denied = reportedDenials(result.denied, requestContext.request.variables);
              if (denied.length > 0) {
                options.onDenied?.(denied);
                // Never the token: the subject and what was denied are enough to investigate.
                const report = denied.map((d) => ({ coordinate: d.coordinate, code: d.code, reason: d.reason }));
                logger.info({ sub: principal?.sub ?? null, clientId: principal?.clientId ?? null, denied: report }, 'fields denied');
              }
              if (options.mode === 'reject' && denied.length > 0) {
                const code = denied.some((d) => d.code === 'UNAUTHENTICATED') ? 'UNAUTHENTICATED' : 'FORBIDDEN';
                const coordinates = [...new Set(denied.map((d) => d.coordinate))];
                // A 401 carries its challenge (RFC 9110 §15.5.2), like the refusal of a bad token.
                const challenge = code === 'UNAUTHENTICATED' ? { headers: new HeaderMap([['www-authenticate', 'Bearer']]) } : {};
                throw tesseraError(code, `The operation reads fields the caller may not read: ${coordinates.join(', ')}.`, {
                  extensions: {
                    http: { status: ERROR_CODES[code].status, ...challenge },
                    denied: denied.map((d) => ({ coordinate: d.coordinate, reason: d.reason })),
                  },
                });
              }
              filtered = { ...result, denied };
              // The planner caches plans by query hash: a filtered document must never share a plan
              // with the unfiltered one (or with another caller's different filtering).
              const deniedKey = result.denied.map((d) => `${d.coordinate}@${d.path.join('.')}`).join('|');
              operations.replace(requestContext, {
                document: result.document,
                queryHash: createHash('sha256').update(queryHash).update('\0denied\0').update(deniedKey).digest('hex'),
              });
            },
            async willSendResponse({ response }) {
              if (!filtered || response.body.kind !== 'single') return;
              const single = response.body.singleResult;
              // A request refused as a whole (a later plugin's request error: no `data`) ran no field,
              // so no denial is answered at a path: its one error is the refusal.
              if (!('data' in single)) return;
              const answered = single.data as Record<string, unknown> | null | undefined;
              const { data, errors } = applyDenials(answered, filtered.denied, filtered.placeholders);
              single.data = data;
              // No denial reported (all skipped by the client): no `errors` member either.
              if (errors.length > 0) single.errors = [...(single.errors ?? []), ...errors];
            },
          };
        },
      };
    },
  };
}

const NONE: readonly Requirement[] = [];

/** The supergraph's requirements; throws when its policies and the policy registry disagree. */
function checkedIndex(supergraphSdl: string, policies: ReadonlyMap<string, NamedPolicy>): RequirementIndex {
  const index = requirementIndex(supergraphSdl);
  const used = new Set<string>();
  for (const requirements of [...index.types.values(), ...index.fields.values()]) {
    for (const requirement of requirements) if (requirement.kind === 'policies') requirement.anyOf.flat().forEach((name) => used.add(name));
  }
  const mismatches = policyRegistryMismatches(used, policies);
  if (mismatches.length > 0) throw new TypeError(`the schema and policies/ disagree:\n- ${mismatches.join('\n- ')}`);
  return index;
}

/**
 * What decisions depend on: anonymous or not, the scopes, and which named policies admit the
 * principal. Two principals with the same key get the same field decisions.
 */
function rightsKey(principal: Principal | null, policies: ReadonlyMap<string, NamedPolicy>): string {
  if (principal === null) return 'anonymous';
  const admitted = [...policies.values()].map((policy) => (policy.admits(principal) ? '1' : '0')).join('');
  return `${admitted}|${[...principal.scopes].sort().join(' ')}`;
}
