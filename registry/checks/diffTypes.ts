/**
 * The type-level part of the schema diff (docs/registry.md#changes): types added, removed or of
 * another kind, union members, implemented interfaces and directives; members are diffed by
 * diffMembers.ts.
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLDirective,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { SchemaChange } from '../types.ts';
import { compareChanges, schemaChange } from './diffChange.ts';
import { diffEnumValues, diffFields, diffInputFields, listed, type DiffContext } from './diffMembers.ts';
import { referencesOf } from './diffReferences.ts';

/** What a diff leaves out, besides introspection types and the specified scalars and directives. */
export interface DiffScope {
  readonly ignoresType: (name: string) => boolean;
  readonly ignoresField: (typeName: string, fieldName: string) => boolean;
  readonly ignoresDirective: (name: string) => boolean;
}

export function diffWithin(before: GraphQLSchema, after: GraphQLSchema, scope: DiffScope): SchemaChange[] {
  const context: DiffContext = { references: referencesOf(before), out: [], ignoresField: scope.ignoresField };
  const kept = (type: GraphQLNamedType) => !type.name.startsWith('__') && !isSpecifiedScalarType(type) && !scope.ignoresType(type.name);
  const beforeTypes = new Map(
    Object.values(before.getTypeMap())
      .filter(kept)
      .map((type) => [type.name, type]),
  );
  const afterTypes = new Map(
    Object.values(after.getTypeMap())
      .filter(kept)
      .map((type) => [type.name, type]),
  );
  for (const [name, old] of beforeTypes) {
    const now = afterTypes.get(name);
    if (!now) typeGone(context, 'TYPE_REMOVED', old, `\`${name}\` was removed: operations that use it or its fields no longer validate.`);
    else if (kindOf(old) !== kindOf(now)) {
      typeGone(
        context,
        'TYPE_KIND_CHANGED',
        old,
        `\`${name}\` changed from ${kindOf(old)} type to ${kindOf(now)} type: operations that use it may no longer validate.`,
      );
    } else diffSameKind(context, old, now);
  }
  for (const name of afterTypes.keys()) {
    if (!beforeTypes.has(name)) context.out.push(schemaChange('SAFE', 'TYPE_ADDED', name, `\`${name}\` was added.`));
  }
  diffDirectives(context.out, before.getDirectives(), after.getDirectives(), scope);
  return context.out.sort(compareChanges);
}

/** Removed or of another kind: whoever uses the type's members, or a field, argument or input field of that type, is affected. */
function typeGone(context: DiffContext, kind: string, type: GraphQLNamedType, message: string): void {
  const { references } = context;
  const affected = [...references.members(type.name), ...references.outputFields(type.name), ...references.inputPositions(type.name)];
  context.out.push(schemaChange('BREAKING', kind, type.name, message, affected));
}

function diffSameKind(context: DiffContext, old: GraphQLNamedType, now: GraphQLNamedType): void {
  if ((isObjectType(old) && isObjectType(now)) || (isInterfaceType(old) && isInterfaceType(now))) {
    diffFields(context, old, now);
    diffInterfaces(context, old.name, old.getInterfaces(), now.getInterfaces());
  } else if (isInputObjectType(old) && isInputObjectType(now)) diffInputFields(context, old, now);
  else if (isEnumType(old) && isEnumType(now)) diffEnumValues(context, old, now);
  else if (isUnionType(old) && isUnionType(now)) diffUnionMembers(context, old.name, old.getTypes(), now.getTypes());
}

function diffUnionMembers(
  context: DiffContext,
  union: string,
  before: readonly GraphQLNamedType[],
  after: readonly GraphQLNamedType[],
): void {
  const readers = context.references.outputFields(union);
  const { removed, added } = setDiff(before, after);
  for (const member of removed) {
    const message = `\`${union}\` no longer includes \`${member}\`: fragments on \`${member}\` within it no longer validate, and clients that read ${listed(readers, 'it')} no longer get one.`;
    context.out.push(schemaChange('BREAKING', 'UNION_MEMBER_REMOVED', union, message, readers));
  }
  for (const member of added) {
    const message = `\`${union}\` now includes \`${member}\`: clients that read ${listed(readers, 'it')} may get a type they do not handle.`;
    context.out.push(schemaChange('DANGEROUS', 'UNION_MEMBER_ADDED', union, message, readers));
  }
}

/** Kept as `..._OBJECT` for interfaces implementing interfaces too: the same clients are affected. */
function diffInterfaces(context: DiffContext, type: string, before: readonly GraphQLNamedType[], after: readonly GraphQLNamedType[]): void {
  const { references } = context;
  const { removed, added } = setDiff(before, after);
  for (const contract of removed) {
    const message = `\`${type}\` no longer implements \`${contract}\`: fragments on \`${contract}\` within \`${type}\` no longer validate, and fields returning \`${contract}\` no longer return a \`${type}\`.`;
    const affected = [...references.members(contract), ...references.outputFields(contract)];
    context.out.push(schemaChange('BREAKING', 'INTERFACE_REMOVED_FROM_OBJECT', type, message, affected));
  }
  for (const contract of added) {
    context.out.push(schemaChange('SAFE', 'INTERFACE_ADDED_TO_OBJECT', type, `\`${type}\` now implements \`${contract}\`.`));
  }
}

/**
 * Directives of the schema clients may write in operations. Their usage coordinate is the directive
 * (`@name`), which the gateway does not record: the usage check cannot clear such a change.
 */
function diffDirectives(
  out: SchemaChange[],
  before: readonly GraphQLDirective[],
  after: readonly GraphQLDirective[],
  scope: DiffScope,
): void {
  const kept = (directive: GraphQLDirective) => !isSpecifiedDirective(directive) && !scope.ignoresDirective(directive.name);
  const afterByName = new Map(after.filter(kept).map((directive) => [directive.name, directive]));
  const beforeByName = new Map(before.filter(kept).map((directive) => [directive.name, directive]));
  for (const [name, old] of beforeByName) {
    const coordinate = `@${name}`;
    const now = afterByName.get(name);
    if (!now) {
      out.push(
        schemaChange(
          'BREAKING',
          'DIRECTIVE_REMOVED',
          coordinate,
          `\`${coordinate}\` was removed: operations that use it no longer validate.`,
          [coordinate],
        ),
      );
      continue;
    }
    for (const location of setDiff(old.locations, now.locations).removed) {
      out.push(
        schemaChange(
          'BREAKING',
          'DIRECTIVE_LOCATION_REMOVED',
          coordinate,
          `\`${coordinate}\` is no longer allowed on ${location}: operations that use it there no longer validate.`,
          [coordinate],
        ),
      );
    }
    const nowArgs = new Set(now.args.map((arg) => arg.name));
    for (const arg of old.args) {
      if (!nowArgs.has(arg.name)) {
        out.push(
          schemaChange(
            'BREAKING',
            'DIRECTIVE_ARG_REMOVED',
            `${coordinate}(${arg.name}:)`,
            `The argument \`${coordinate}(${arg.name}:)\` was removed: operations that give it no longer validate.`,
            [coordinate],
          ),
        );
      }
    }
  }
  for (const name of afterByName.keys()) {
    if (!beforeByName.has(name)) out.push(schemaChange('SAFE', 'DIRECTIVE_ADDED', `@${name}`, `\`@${name}\` was added.`));
  }
}

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return 'an object';
  if (isInterfaceType(type)) return 'an interface';
  if (isUnionType(type)) return 'a union';
  if (isEnumType(type)) return 'an enum';
  if (isInputObjectType(type)) return 'an input';
  return 'a scalar';
}

function setDiff<T extends string | { readonly name: string }>(
  before: readonly T[],
  after: readonly T[],
): { removed: string[]; added: string[] } {
  const names = (list: readonly T[]) => new Set(list.map((item) => (typeof item === 'string' ? item : item.name)));
  const beforeNames = names(before);
  const afterNames = names(after);
  return {
    removed: [...beforeNames].filter((name) => !afterNames.has(name)),
    added: [...afterNames].filter((name) => !beforeNames.has(name)),
  };
}
