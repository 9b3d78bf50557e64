/**
 * Composition-time checks of the governance directives on a composed supergraph: that every type
 * and every root field carries an access decision, and which policies and scopes the schema names
 * (the gateway checks at start that they agree with `policies/`). Works on any supergraph: nothing
 * here knows which subgraph defines what. The directives survive composition through
 * `@composeDirective`, imported under their own names (see the block at the top of each SDL).
 */
import { Kind, parse, valueFromASTUntyped, visit, type DirectiveNode, type DocumentNode, type FieldDefinitionNode } from 'graphql';
import { objectTypes } from './objectTypes.ts';

/** The directives that are an access decision; `@public` is the explicit "no requirement". `@owner` is not one. */
export const DECISION_DIRECTIVES: ReadonlySet<string> = new Set(['authenticated', 'requiresScopes', 'policy', 'public']);

/**
 * The coordinates that carry no access decision, sorted: `Type` for each object type (other than
 * the root operation types and federation/link internals) with none of `@authenticated`,
 * `@requiresScopes`, `@policy`, `@public`, and `Query.field` / `Mutation.field` /
 * `Subscription.field` for each root field without one of its own. Empty when all are governed.
 */
export function ungovernedCoordinates(supergraphSdl: string): string[] {
  const document = parse(supergraphSdl);
  const roots = rootTypeNames(document);
  const ungoverned = new Set<string>();
  for (const [typeName, nodes] of objectTypes(document)) {
    if (isInternal(typeName)) continue;
    if (roots.has(typeName)) {
      for (const field of nodes.flatMap((node) => node.fields ?? [])) {
        if (!hasDecision(field.directives)) ungoverned.add(`${typeName}.${field.name.value}`);
      }
    } else if (!nodes.some((node) => hasDecision(node.directives))) {
      ungoverned.add(typeName);
    }
  }
  return [...ungoverned].sort();
}

/** Every policy name that an `@policy(policies:)` anywhere in the supergraph names. */
export function policyNamesUsed(supergraphSdl: string): Set<string> {
  return stringsOfDirective(parse(supergraphSdl), 'policy', 'policies');
}

/** Every scope that an `@requiresScopes(scopes:)` anywhere in the supergraph names. */
export function scopesUsed(supergraphSdl: string): Set<string> {
  return stringsOfDirective(parse(supergraphSdl), 'requiresScopes', 'scopes');
}

/** The root operation types the schema declares, or the default names when it declares none. */
function rootTypeNames(document: DocumentNode): Set<string> {
  const declared = document.definitions.flatMap((definition) =>
    definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION ? (definition.operationTypes ?? []) : [],
  );
  return new Set(declared.length > 0 ? declared.map((operation) => operation.type.name.value) : ['Query', 'Mutation', 'Subscription']);
}

/** Federation and `@link` internals (`join__Graph`, `link__Import`, `_Service`, ...): not part of the API. */
function isInternal(typeName: string): boolean {
  return typeName.startsWith('_') || /^[A-Za-z0-9]+__/.test(typeName);
}

function hasDecision(directives: FieldDefinitionNode['directives'] | undefined): boolean {
  return (directives ?? []).some((directive) => DECISION_DIRECTIVES.has(directive.name.value));
}

/** The strings anywhere in argument `argument` of every application of `@name` (lists are flattened). */
function stringsOfDirective(document: DocumentNode, name: string, argument: string): Set<string> {
  const found = new Set<string>();
  visit(document, {
    Directive(directive: DirectiveNode) {
      if (directive.name.value !== name) return;
      const node = directive.arguments?.find((arg) => arg.name.value === argument);
      if (node) collectStrings(valueFromASTUntyped(node.value), found);
    },
  });
  return found;
}

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
}
