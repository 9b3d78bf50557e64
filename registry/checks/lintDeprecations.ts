/**
 * The deprecation rules of the governance lint (docs/registry.md#rules), on every element clients
 * see (fields, arguments, enum values, input fields): a `@deprecated` says why and until when, in
 * its reason, so a client reading introspection sees the date (`Sunset YYYY-MM-DD`,
 * checks/sunsetDate.ts); a deprecated capability's `@capability(sunsetAt:)` is that same date.
 */
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, Kind, type ConstDirectiveNode } from 'graphql';
import type { CapabilityDeclaration } from '../../schema/capabilities.ts';
import type { Finding } from '../types.ts';
import { sunsetDateOf } from './sunsetDate.ts';
import { inaccessible, type LintSupergraph } from './lintSupergraph.ts';

/** What graphql-js answers for a `@deprecated` without a reason: says nothing a client can act on. */
const DEFAULT_REASON = 'No longer supported';

export function deprecationFindings(supergraph: LintSupergraph, capabilities: ReadonlyMap<string, CapabilityDeclaration>): Finding[] {
  const findings: Finding[] = [];
  const mutation = supergraph.schema.getMutationType()?.name;
  const check = (coordinate: string, directives: readonly ConstDirectiveNode[] | undefined, capability?: CapabilityDeclaration): void => {
    const deprecated = directives?.find((directive) => directive.name.value === 'deprecated');
    if (!deprecated || inaccessible(directives)) return;
    const value = deprecated.arguments?.find((arg) => arg.name.value === 'reason')?.value;
    const reason = value?.kind === Kind.STRING ? value.value.trim() : '';
    const subgraph = supergraph.subgraphOf(coordinate);
    if (reason === '' || reason === DEFAULT_REASON) {
      findings.push({
        rule: 'DEPRECATION_REASON_MISSING',
        severity: 'error',
        coordinate,
        subgraph,
        message: `${coordinate} is deprecated without a reason: say what to use instead and until when, e.g. @deprecated(reason: "Use ... instead. Sunset YYYY-MM-DD.").`,
      });
      return;
    }
    const sunset = sunsetDateOf(reason);
    if (sunset === null) {
      findings.push({
        rule: 'DEPRECATION_SUNSET_MISSING',
        severity: 'error',
        coordinate,
        subgraph,
        message: `${coordinate}'s deprecation reason has no sunset date: add "Sunset YYYY-MM-DD." to the reason, so clients see the date in introspection.`,
      });
      return;
    }
    if (capability?.sunsetAt && capability.sunsetAt !== sunset) {
      findings.push({
        rule: 'DEPRECATION_SUNSET_MISMATCH',
        severity: 'error',
        coordinate,
        subgraph,
        message: `${coordinate}'s reason says Sunset ${sunset} but @capability(sunsetAt:) says ${capability.sunsetAt}: make them the same date (the gateway refuses the capability from sunsetAt).`,
      });
    }
  };

  for (const type of supergraph.types) {
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (inaccessible(field.astNode?.directives)) continue;
        const coordinate = `${type.name}.${field.name}`;
        check(coordinate, field.astNode?.directives, type.name === mutation ? capabilities.get(field.name) : undefined);
        for (const arg of field.args) check(`${coordinate}(${arg.name}:)`, arg.astNode?.directives);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.astNode?.directives);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.astNode?.directives);
    }
  }
  return findings;
}
