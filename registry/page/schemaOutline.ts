/**
 * The current schema as the architects' page shows it (docs/registry.md#the-architects-page): per
 * subgraph head, its types and their fields with the system that owns each, and what is deprecated.
 * Read from each head's SDL with graphql-js (the AST, so `@owner` stays visible); federation and
 * link internals, the governance directives' enum and the value types every subgraph appends
 * unchanged (`schema/shared.graphql`, `schema/audit.graphql`) are left out as noise.
 */
import {
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type DefinitionNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type TypeDefinitionNode,
  type TypeExtensionNode,
} from 'graphql';
import { AUDIT_SDL, GOVERNANCE_DIRECTIVES_SDL, SHARED_VALUE_TYPES_SDL } from '../../schema/subgraphSdl.ts';
import { sunsetDateOf } from '../checks/sunsetDate.ts';
import type { SchemaVersion, SubgraphDeclaration } from '../types.ts';

export type SystemOfRecord = NonNullable<SubgraphDeclaration['system']>;
export type TypeKind = 'OBJECT' | 'INTERFACE' | 'INPUT_OBJECT' | 'ENUM' | 'UNION' | 'SCALAR';

export interface FieldOutline {
  /** A field, an input field, an enum value or a union member. */
  readonly name: string;
  /** The GraphQL type as written (`[Invoice!]!`); null for an enum value or a union member. */
  readonly type: string | null;
  /** Arguments as written (`id: ID!`, `first: Int = 50`). */
  readonly arguments: readonly string[];
  /** The field's `@owner(system:)`, else its type's, else the subgraph's system. */
  readonly owner: SystemOfRecord | null;
  readonly description: string | null;
  readonly deprecated: boolean;
  readonly deprecationReason: string | null;
  /** From the reason's `Sunset YYYY-MM-DD`, else the capability's `sunsetAt`. */
  readonly sunsetAt: string | null;
}

export interface TypeOutline {
  readonly name: string;
  readonly kind: TypeKind;
  /** The type's `@owner(system:)`, else the subgraph's system. */
  readonly owner: SystemOfRecord | null;
  readonly description: string | null;
  readonly fields: readonly FieldOutline[];
}

export interface SubgraphOutline {
  readonly subgraph: string;
  readonly system: SubgraphDeclaration['system'];
  readonly version: number;
  readonly url: string;
  readonly author: string;
  readonly publishedAt: string;
  /** Root types first (Query, Mutation, Subscription), then by name. */
  readonly types: readonly TypeOutline[];
}

/** The outline of each head, in the order given; `declarations` give each subgraph's system. */
export function schemaOutline(heads: readonly SchemaVersion[], declarations: readonly SubgraphDeclaration[] = []): SubgraphOutline[] {
  const systems = new Map(declarations.map((declaration) => [declaration.name, declaration.system]));
  return heads.map((head) => {
    const system = systems.get(head.subgraph) ?? null;
    return {
      subgraph: head.subgraph,
      system,
      version: head.version,
      url: head.url,
      author: head.author,
      publishedAt: head.publishedAt,
      types: typesOf(head.sdl, system),
    };
  });
}

type TypeNode = TypeDefinitionNode | TypeExtensionNode;

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];
/** Names graphql-js, federation and `@link` put into a subgraph's schema (`_Service`, `link__Import`, `federation__FieldSet`). */
const INTERNAL_NAME = /^(_|link__|federation__|join__)|^(FieldSet|Import|Purpose)$/;

let appendedNoise: ReadonlyMap<string, string> | undefined;

/** The type definitions appended to every subgraph (printed), by name: a subgraph's identical copy is noise. */
function noise(): ReadonlyMap<string, string> {
  appendedNoise ??= new Map(
    [SHARED_VALUE_TYPES_SDL, AUDIT_SDL, GOVERNANCE_DIRECTIVES_SDL]
      .flatMap((sdl) => parse(sdl, { noLocation: true }).definitions)
      .filter(isTypeNode)
      .map((node) => [node.name.value, print(node)]),
  );
  return appendedNoise;
}

function typesOf(sdl: string, system: SubgraphDeclaration['system']): TypeOutline[] {
  const nodesByName = new Map<string, TypeNode[]>();
  for (const definition of parse(sdl, { noLocation: true }).definitions) {
    if (!isTypeNode(definition) || INTERNAL_NAME.test(definition.name.value)) continue;
    nodesByName.set(definition.name.value, [...(nodesByName.get(definition.name.value) ?? []), definition]);
  }
  const shared = noise();
  const types: TypeOutline[] = [];
  for (const [name, nodes] of nodesByName) {
    if (nodes.length === 1 && shared.get(name) === print(nodes[0]!)) continue;
    types.push(typeOutline(name, nodes, system));
  }
  return types.sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function rank(name: string): number {
  const index = ROOT_TYPES.indexOf(name);
  return index === -1 ? ROOT_TYPES.length : index;
}

function typeOutline(name: string, nodes: readonly TypeNode[], system: SubgraphDeclaration['system']): TypeOutline {
  const typeOwner = ownerIn(nodes.flatMap((node) => node.directives ?? [])) ?? system;
  const description = nodes.map((node) => ('description' in node ? node.description?.value : undefined)).find(Boolean) ?? null;
  const fields: FieldOutline[] = [];
  for (const node of nodes) {
    switch (node.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION:
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_EXTENSION:
        for (const field of node.fields ?? []) {
          // An @external field is read from its owner, not resolved here.
          if (!isExternal(field.directives ?? [])) fields.push(fieldOutline(field, typeOwner));
        }
        break;
      case Kind.ENUM_TYPE_DEFINITION:
      case Kind.ENUM_TYPE_EXTENSION:
        for (const value of node.values ?? []) fields.push(member(value.name.value, value.description?.value, value.directives, typeOwner));
        break;
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.UNION_TYPE_EXTENSION:
        for (const type of node.types ?? []) fields.push(member(type.name.value, undefined, undefined, typeOwner));
        break;
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.SCALAR_TYPE_EXTENSION:
        break;
    }
  }
  return { name, kind: KIND_OF.get(nodes[0]!.kind)!, owner: typeOwner, description, fields };
}

function fieldOutline(field: FieldDefinitionNode | InputValueDefinitionNode, typeOwner: SystemOfRecord | null): FieldOutline {
  const directives = field.directives ?? [];
  const args = 'arguments' in field ? (field.arguments ?? []) : [];
  return {
    ...member(field.name.value, field.description?.value, directives, ownerIn(directives) ?? typeOwner),
    type: print(field.type),
    arguments: args.map((arg) => `${arg.name.value}: ${print(arg.type)}${arg.defaultValue ? ` = ${print(arg.defaultValue)}` : ''}`),
  };
}

function member(
  name: string,
  description: string | undefined,
  directives: readonly ConstDirectiveNode[] | undefined,
  owner: SystemOfRecord | null,
): FieldOutline {
  const deprecated = directives?.find((directive) => directive.name.value === 'deprecated');
  // graphql-js's default reason when @deprecated has none.
  const reason = deprecated ? (stringArgument(deprecated, 'reason') ?? 'No longer supported') : null;
  const capability = directives?.find((directive) => directive.name.value === 'capability');
  return {
    name,
    type: null,
    arguments: [],
    owner,
    description: description ?? null,
    deprecated: deprecated !== undefined,
    deprecationReason: reason,
    sunsetAt: sunsetDateOf(reason) ?? (capability ? (stringArgument(capability, 'sunsetAt') ?? null) : null),
  };
}

/** Each type-system definition or extension kind, and the kind of type it declares. */
const KIND_OF: ReadonlyMap<string, TypeKind> = new Map([
  [Kind.OBJECT_TYPE_DEFINITION, 'OBJECT'],
  [Kind.OBJECT_TYPE_EXTENSION, 'OBJECT'],
  [Kind.INTERFACE_TYPE_DEFINITION, 'INTERFACE'],
  [Kind.INTERFACE_TYPE_EXTENSION, 'INTERFACE'],
  [Kind.INPUT_OBJECT_TYPE_DEFINITION, 'INPUT_OBJECT'],
  [Kind.INPUT_OBJECT_TYPE_EXTENSION, 'INPUT_OBJECT'],
  [Kind.ENUM_TYPE_DEFINITION, 'ENUM'],
  [Kind.ENUM_TYPE_EXTENSION, 'ENUM'],
  [Kind.UNION_TYPE_DEFINITION, 'UNION'],
  [Kind.UNION_TYPE_EXTENSION, 'UNION'],
  [Kind.SCALAR_TYPE_DEFINITION, 'SCALAR'],
  [Kind.SCALAR_TYPE_EXTENSION, 'SCALAR'],
]);

function isTypeNode(definition: DefinitionNode): definition is TypeNode {
  return KIND_OF.has(definition.kind);
}

/** Federation directives may be imported (`@external`) or namespaced (`@federation__external`). */
function isExternal(directives: readonly ConstDirectiveNode[]): boolean {
  return directives.some((directive) => directive.name.value === 'external' || directive.name.value === 'federation__external');
}

const SYSTEMS: ReadonlySet<string> = new Set<SystemOfRecord>(['CRM', 'PSA', 'ERP', 'INTEGRATION']);

function ownerIn(directives: readonly ConstDirectiveNode[]): SystemOfRecord | undefined {
  const owner = directives.find((directive) => directive.name.value === 'owner');
  const system = owner?.arguments?.find((argument) => argument.name.value === 'system')?.value;
  const value = system?.kind === Kind.ENUM || system?.kind === Kind.STRING ? system.value : undefined;
  return value !== undefined && SYSTEMS.has(value) ? (value as SystemOfRecord) : undefined;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}
