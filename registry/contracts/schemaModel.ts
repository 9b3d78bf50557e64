/**
 * The elements a contract filters, merged across every subgraph of the graph: each type, field,
 * argument, enum value and input field with the union of the `@tag` names it carries in any
 * subgraph (a coordinate tagged in one subgraph is tagged everywhere: docs/registry.md#contracts).
 */
import {
  Kind,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type InputValueDefinitionNode,
  type TypeNode,
} from 'graphql';

export type TypeKind = 'object' | 'interface' | 'union' | 'enum' | 'input' | 'scalar';

export interface InputValueModel {
  readonly type: string;
  /** Non-null without a default: the contract cannot hide it. */
  required: boolean;
  readonly tags: Set<string>;
}

export interface FieldModel {
  readonly type: string;
  readonly tags: Set<string>;
  readonly args: Map<string, InputValueModel>;
}

export interface TypeModel {
  readonly name: string;
  readonly kind: TypeKind;
  readonly tags: Set<string>;
  /** Object and interface fields. */
  readonly fields: Map<string, FieldModel>;
  /** Input object fields. */
  readonly inputFields: Map<string, InputValueModel>;
  readonly values: Map<string, Set<string>>;
  readonly members: Set<string>;
  readonly interfaces: Set<string>;
}

export interface SchemaModel {
  readonly types: Map<string, TypeModel>;
  /** The root operation type names (Query, Mutation, Subscription unless a schema definition renames them). */
  readonly roots: Set<string>;
  /** Types a directive definition's arguments use: never hidden (the composed directives need them). */
  readonly pinned: Set<string>;
}

/**
 * The directive names a subgraph uses for federation's `@tag` and `@inaccessible` (imported, or
 * namespaced `federation__`), and whether it imports `@inaccessible`: composition wants one name
 * for it across subgraphs, so a contract imports it where it is not (docs/registry.md#contracts).
 */
export interface FederationNames {
  readonly tag: string;
  readonly inaccessible: string;
  readonly importsInaccessible: boolean;
}

const BUILT_IN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

/** Federation's and link's own types, which a contract leaves alone. */
export function isFrameworkType(name: string): boolean {
  return BUILT_IN_SCALARS.has(name) || name.startsWith('_') || /^(link|federation|join)__/.test(name) || name === 'FieldSet';
}

export function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/** How a subgraph names `@tag` and `@inaccessible`: what its federation `@link` imports (with `as`), else `<prefix>__tag`. */
export function federationNames(document: DocumentNode): FederationNames {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      const url = stringArgument(directive, 'url');
      if (directive.name.value !== 'link' || !url || !/\/\/specs\.apollo\.dev\/federation\//.test(url)) continue;
      const prefix = stringArgument(directive, 'as') ?? 'federation';
      const imported = new Map<string, string>();
      const imports = directive.arguments?.find((argument) => argument.name.value === 'import')?.value;
      if (imports?.kind === Kind.LIST) {
        for (const entry of imports.values) {
          if (entry.kind === Kind.STRING) imported.set(entry.value, entry.value);
          if (entry.kind === Kind.OBJECT) {
            const name = entry.fields.find((field) => field.name.value === 'name')?.value;
            const alias = entry.fields.find((field) => field.name.value === 'as')?.value;
            if (name?.kind === Kind.STRING) imported.set(name.value, alias?.kind === Kind.STRING ? alias.value : name.value);
          }
        }
      }
      const nameOf = (directiveName: string) => (imported.get(`@${directiveName}`) ?? `@${prefix}__${directiveName}`).slice(1);
      return { tag: nameOf('tag'), inaccessible: nameOf('inaccessible'), importsInaccessible: imported.has('@inaccessible') };
    }
  }
  // Not Federation 2: composition will say so; the plain names are the best guess meanwhile.
  return { tag: 'tag', inaccessible: 'inaccessible', importsInaccessible: true };
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

export function tagsOf(directives: readonly ConstDirectiveNode[] | undefined, tagDirective: string): string[] {
  return (directives ?? [])
    .filter((directive) => directive.name.value === tagDirective)
    .flatMap((directive) => stringArgument(directive, 'name') ?? []);
}

const TYPE_KINDS: Partial<Record<DefinitionNode['kind'], TypeKind>> = {
  [Kind.OBJECT_TYPE_DEFINITION]: 'object',
  [Kind.OBJECT_TYPE_EXTENSION]: 'object',
  [Kind.INTERFACE_TYPE_DEFINITION]: 'interface',
  [Kind.INTERFACE_TYPE_EXTENSION]: 'interface',
  [Kind.UNION_TYPE_DEFINITION]: 'union',
  [Kind.UNION_TYPE_EXTENSION]: 'union',
  [Kind.ENUM_TYPE_DEFINITION]: 'enum',
  [Kind.ENUM_TYPE_EXTENSION]: 'enum',
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'input',
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: 'input',
  [Kind.SCALAR_TYPE_DEFINITION]: 'scalar',
  [Kind.SCALAR_TYPE_EXTENSION]: 'scalar',
};

export function typeKindOf(definition: DefinitionNode): TypeKind | undefined {
  return TYPE_KINDS[definition.kind];
}

/** Merges the subgraphs' documents into one model of the graph's taggable elements. */
export function buildSchemaModel(documents: readonly DocumentNode[]): SchemaModel {
  const types = new Map<string, TypeModel>();
  const roots = new Set<string>();
  const pinned = new Set<string>();
  const typeOf = (name: string, kind: TypeKind): TypeModel => {
    let model = types.get(name);
    if (!model) {
      model = {
        name,
        kind,
        tags: new Set(),
        fields: new Map(),
        inputFields: new Map(),
        values: new Map(),
        members: new Set(),
        interfaces: new Set(),
      };
      types.set(name, model);
    }
    return model;
  };
  const mergeInputValue = (into: Map<string, InputValueModel>, node: InputValueDefinitionNode, tagDirective: string) => {
    const required = node.type.kind === Kind.NON_NULL_TYPE && node.defaultValue === undefined;
    const existing = into.get(node.name.value);
    const model = existing ?? { type: namedType(node.type), required, tags: new Set<string>() };
    model.required ||= required;
    for (const tag of tagsOf(node.directives, tagDirective)) model.tags.add(tag);
    into.set(node.name.value, model);
  };

  for (const document of documents) {
    const { tag } = federationNames(document);
    let renamedRoots = false;
    for (const definition of document.definitions) {
      if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
        for (const operation of definition.operationTypes ?? []) {
          roots.add(operation.type.name.value);
          renamedRoots = true;
        }
        continue;
      }
      if (definition.kind === Kind.DIRECTIVE_DEFINITION) {
        for (const argument of definition.arguments ?? []) pinned.add(namedType(argument.type));
        continue;
      }
      const kind = typeKindOf(definition);
      if (!kind || !('name' in definition) || !definition.name || isFrameworkType(definition.name.value)) continue;
      const model = typeOf(definition.name.value, kind);
      for (const name of tagsOf(definition.directives as readonly ConstDirectiveNode[] | undefined, tag)) model.tags.add(name);
      if (
        definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
        definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
        definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
        definition.kind === Kind.INTERFACE_TYPE_EXTENSION
      ) {
        for (const implemented of definition.interfaces ?? []) model.interfaces.add(implemented.name.value);
        for (const field of definition.fields ?? []) {
          const fieldModel = model.fields.get(field.name.value) ?? {
            type: namedType(field.type),
            tags: new Set<string>(),
            args: new Map(),
          };
          for (const name of tagsOf(field.directives, tag)) fieldModel.tags.add(name);
          for (const argument of field.arguments ?? []) mergeInputValue(fieldModel.args, argument, tag);
          model.fields.set(field.name.value, fieldModel);
        }
      }
      if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION) {
        for (const field of definition.fields ?? []) mergeInputValue(model.inputFields, field, tag);
      }
      if (definition.kind === Kind.ENUM_TYPE_DEFINITION || definition.kind === Kind.ENUM_TYPE_EXTENSION) {
        for (const value of definition.values ?? []) {
          const tags = model.values.get(value.name.value) ?? new Set<string>();
          for (const name of tagsOf(value.directives, tag)) tags.add(name);
          model.values.set(value.name.value, tags);
        }
      }
      if (definition.kind === Kind.UNION_TYPE_DEFINITION || definition.kind === Kind.UNION_TYPE_EXTENSION) {
        for (const member of definition.types ?? []) model.members.add(member.name.value);
      }
    }
    if (!renamedRoots) for (const name of ['Query', 'Mutation', 'Subscription']) if (types.has(name)) roots.add(name);
  }
  return { types, roots, pinned };
}
