/**
 * The deprecations of the current supergraph (B's `deprecationsOf`), each with the subgraph that
 * declares it and who used it within the usage window: what an architect needs before a sunset.
 */
import { Kind, parse, type ConstDirectiveNode, type DefinitionNode } from 'graphql';
import { deprecationsOf } from '../checks/deprecations.ts';
import type { Deprecation, SchemaVersion } from '../types.ts';
import type { ServiceContext } from './context.ts';
import { latestSupergraphs } from './state.ts';
import { usageOf } from './usage.ts';

export async function deprecations(ctx: ServiceContext, heads: readonly SchemaVersion[]): Promise<Deprecation[]> {
  const supergraph = (await latestSupergraphs(ctx.db, '')).get('');
  if (!supergraph) return [];
  const found = deprecationsOf(supergraph.sdl);
  const usage = await usageOf(
    ctx.db,
    found.map((entry) => entry.coordinate),
    ctx.clock(),
    ctx.usageWindowDays,
  );
  const clients = new Map(usage.map((entry) => [entry.coordinate, entry.clients]));
  const declaredIn = declaringSubgraphs(heads);
  return found.map((entry) => ({
    coordinate: entry.coordinate,
    reason: entry.reason,
    sunsetAt: entry.sunsetAt,
    subgraph: declaredIn.get(entry.coordinate) ?? null,
    clients: clients.get(entry.coordinate) ?? [],
  }));
}

/**
 * Coordinate → the subgraph whose SDL marks it `@deprecated` (fields, arguments, enum values,
 * input fields); heads in composition order, the first one wins.
 */
function declaringSubgraphs(heads: readonly SchemaVersion[]): Map<string, string> {
  const out = new Map<string, string>();
  const mark = (coordinate: string, directives: readonly ConstDirectiveNode[] | undefined, subgraph: string) => {
    if (!out.has(coordinate) && directives?.some((directive) => directive.name.value === 'deprecated')) out.set(coordinate, subgraph);
  };
  for (const head of heads) {
    for (const definition of parse(head.sdl, { noLocation: true }).definitions) {
      for (const [type, member] of membersOf(definition)) {
        mark(`${type}.${member.name.value}`, member.directives, head.subgraph);
        for (const argument of member.arguments ?? []) {
          mark(`${type}.${member.name.value}(${argument.name.value}:)`, argument.directives, head.subgraph);
        }
      }
    }
  }
  return out;
}

type Member = {
  readonly name: { readonly value: string };
  readonly directives?: readonly ConstDirectiveNode[] | undefined;
  readonly arguments?: readonly Member[] | undefined;
};

function membersOf(definition: DefinitionNode): [string, Member][] {
  switch (definition.kind) {
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_EXTENSION:
    case Kind.INPUT_OBJECT_TYPE_DEFINITION:
    case Kind.INPUT_OBJECT_TYPE_EXTENSION:
      return (definition.fields ?? []).map((field) => [definition.name.value, field]);
    case Kind.ENUM_TYPE_DEFINITION:
    case Kind.ENUM_TYPE_EXTENSION:
      return (definition.values ?? []).map((value) => [definition.name.value, value]);
    default:
      return [];
  }
}
