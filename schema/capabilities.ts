/**
 * The capabilities a schema declares: every Mutation field with `@capability(name, version, ...)`.
 * Read from a subgraph SDL (the subgraph binds its resolvers to them) or from a composed
 * supergraph (the gateway enforces sunsets and sends deprecation headers); nothing here knows
 * which capabilities Tessera ships.
 */
import { Kind, valueFromASTUntyped, type DocumentNode, type FieldDefinitionNode } from 'graphql';
import { objectTypes } from './objectTypes.ts';

export interface CapabilityDeclaration {
  /** The Mutation field, e.g. `releaseInvoiceV2`. */
  readonly field: string;
  /** The capability's stable name, e.g. `erp.releaseInvoice`. */
  readonly name: string;
  readonly version: number;
  readonly financial: boolean;
  /** ISO dates; both set on a deprecated version. */
  readonly deprecatedAt: string | null;
  readonly sunsetAt: string | null;
  readonly successor: string | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The declarations by Mutation field name; throws on a malformed declaration (a schema bug). */
export function capabilitiesOf(document: DocumentNode): ReadonlyMap<string, CapabilityDeclaration> {
  const mutationName = mutationTypeName(document);
  const declarations = new Map<string, CapabilityDeclaration>();
  for (const node of objectTypes(document).get(mutationName) ?? []) {
    for (const field of node.fields ?? []) {
      const declaration = declarationOf(field);
      if (declaration) declarations.set(declaration.field, declaration);
    }
  }
  return declarations;
}

function declarationOf(field: FieldDefinitionNode): CapabilityDeclaration | null {
  const directive = field.directives?.find((d) => d.name.value === 'capability');
  if (!directive) return null;
  const args = Object.fromEntries((directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]));
  const where = `Mutation.${field.name.value} @capability`;
  if (typeof args.name !== 'string' || !Number.isInteger(args.version)) throw new Error(`${where} needs a name and an integer version`);
  for (const key of ['deprecatedAt', 'sunsetAt'] as const) {
    if (args[key] !== undefined && args[key] !== null && !(typeof args[key] === 'string' && ISO_DATE.test(args[key]))) {
      throw new Error(`${where}: ${key} must be an ISO date (YYYY-MM-DD)`);
    }
  }
  const deprecated = field.directives?.some((d) => d.name.value === 'deprecated') ?? false;
  const deprecatedAt = (args.deprecatedAt as string | undefined) ?? null;
  const sunsetAt = (args.sunsetAt as string | undefined) ?? null;
  if (deprecated !== (deprecatedAt !== null) || (sunsetAt !== null && deprecatedAt === null)) {
    throw new Error(`${where}: a deprecated capability carries @deprecated, deprecatedAt and sunsetAt together`);
  }
  return {
    field: field.name.value,
    name: args.name,
    version: args.version as number,
    financial: args.financial === true,
    deprecatedAt,
    sunsetAt,
    successor: (args.successor as string | undefined) ?? null,
  };
}

function mutationTypeName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    const mutation = definition.operationTypes?.find((op) => op.operation === 'mutation');
    if (mutation) return mutation.type.name.value;
  }
  return 'Mutation';
}
