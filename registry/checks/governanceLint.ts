/**
 * The governance check (docs/registry.md#rules): ownership (on the subgraph SDLs), an access
 * decision on every type and root field, capability naming and versioning, deprecations with a
 * reason and a sunset date clients can see, and nullability where a field's access is stricter
 * than its parent's. Pure: the same input always gives the same findings, every one an error.
 */
import { parse } from 'graphql';
import { capabilitiesOf, type CapabilityDeclaration } from '../../schema/capabilities.ts';
import { ownershipViolations, type SystemOfRecord } from '../../schema/checkOwnership.ts';
import { policyNamesUsed, ungovernedCoordinates } from '../../schema/governance.ts';
import { policyRegistryMismatches } from '../../policies/registry.ts';
import type { Finding, SchemaChange, SubgraphDeclaration } from '../types.ts';
import { capabilityFindings } from './lintCapabilities.ts';
import { deprecationFindings } from './lintDeprecations.ts';
import { nullabilityFindings } from './lintNullability.ts';
import { readSupergraph } from './lintSupergraph.ts';

export interface GovernanceInput {
  readonly subgraphs: readonly { readonly name: string; readonly system: SubgraphDeclaration['system']; readonly sdl: string }[];
  /** The composed supergraph SDL of the proposal. */
  readonly supergraph: string;
  /** The current supergraph SDL, null before the first composition. */
  readonly before: string | null;
  /** The changes from `before` to `supergraph` (checks/diff.ts). */
  readonly changes: readonly SchemaChange[];
}

export function governanceFindings(input: GovernanceInput): Finding[] {
  const supergraph = readSupergraph(input.supergraph);
  const systems = new Map(input.subgraphs.map((subgraph) => [subgraph.name, subgraph.system]));
  return [
    ...ownershipFindings(input.subgraphs),
    ...ungovernedCoordinates(input.supergraph).map((coordinate): Finding => ({
      rule: 'DECISION_MISSING',
      severity: 'error',
      coordinate,
      subgraph: supergraph.subgraphOf(coordinate),
      message: coordinate.includes('.')
        ? `${coordinate} has no access decision: give the root field @requiresScopes, @policy, @authenticated or @public.`
        : `type ${coordinate} has no access decision: give it @requiresScopes, @policy, @authenticated or @public in the subgraph that owns it.`,
    })),
    ...capabilityFindings({ supergraph, supergraphSdl: input.supergraph, before: input.before, changes: input.changes, systems }),
    ...deprecationFindings(supergraph, capabilitiesOrNone(input.supergraph)),
    ...nullabilityFindings(supergraph),
    ...policyFindings(input.supergraph),
  ];
}

/**
 * The gateway refuses a supergraph whose `@policy` names and the named policies (`policies/`)
 * disagree, so the registry refuses to publish one (`POLICY_MISMATCH`). A schema that names no
 * policy at all (a firm's own graph, a fixture) is not held to Tessera's list.
 */
function policyFindings(supergraphSdl: string): Finding[] {
  const used = policyNamesUsed(supergraphSdl);
  if (used.size === 0) return [];
  return policyRegistryMismatches(used).map((problem) => ({
    rule: 'POLICY_MISMATCH',
    severity: 'error',
    coordinate: null,
    subgraph: null,
    message: `${problem}: every gateway would refuse this supergraph. Name a policy policies/ defines, or keep one field that uses each.`,
  }));
}

/** The ownership rule on the subgraphs that speak for a system; one of no system is not checked (as in schema/compose.ts). */
function ownershipFindings(subgraphs: GovernanceInput['subgraphs']): Finding[] {
  const owned = subgraphs.filter((subgraph): subgraph is typeof subgraph & { system: SystemOfRecord } => subgraph.system !== null);
  return ownershipViolations(owned).map((violation) => ({
    rule: violation.rule,
    severity: 'error',
    coordinate: violation.coordinate,
    subgraph: violation.subgraph,
    message: `${violation.message}. ${FIX[violation.rule]}`,
  }));
}

const FIX: Record<ReturnType<typeof ownershipViolations>[number]['rule'], string> = {
  OWNER_MISSING: 'Give the field or its type @owner(system: ...), or mark it @external if another subgraph resolves it.',
  NON_OWNER_RESOLVES: 'Mark it @external here (only its owner resolves it), or move it to the owning subgraph.',
  OWNER_CONFLICT: 'A field has one system of record: make the @owner the same everywhere, and @external where it is not resolved.',
  FOREIGN_TYPE_OWNER: 'A subgraph owns only types of its own system: declare the type as an entity stub (@key, no @owner) here instead.',
};

/** The capability declarations, or none when one is malformed (the capability rules report that). */
function capabilitiesOrNone(supergraphSdl: string): ReadonlyMap<string, CapabilityDeclaration> {
  try {
    return capabilitiesOf(parse(supergraphSdl));
  } catch {
    return new Map();
  }
}
