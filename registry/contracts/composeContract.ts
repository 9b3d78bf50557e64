/**
 * Contracts: filtered variants of the supergraph by `@tag` (docs/registry.md#contracts). The
 * filter is turned into `@inaccessible` on every element the contract hides, in every subgraph
 * that declares it, and the result is composed like the full graph: the contract's supergraph is
 * the full one with those elements left out of its API schema, so the gateway plans and serves it
 * with the same subgraphs.
 */
import {
  Kind,
  parse,
  print,
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DefinitionNode,
  type DocumentNode,
  type EnumValueDefinitionNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type TypeSystemDefinitionNode,
  type TypeSystemExtensionNode,
} from 'graphql';
import { CompositionError, composeSupergraph, type SubgraphSource } from '../../schema/compose.ts';
import { ContractFilterError, hiddenElements, type ContractFilter, type HiddenElements } from './contractFilter.ts';
import { buildSchemaModel, federationNames, isFrameworkType, typeKindOf } from './schemaModel.ts';

export type { ContractFilter } from './contractFilter.ts';

/**
 * The subgraph SDLs with `@inaccessible` on every element the contract does not keep. Throws
 * CompositionError (naming the contract and the coordinate) when the filter cannot be applied:
 * an excluded required argument or input field of an element the contract keeps.
 */
export function contractSubgraphs(subgraphs: readonly SubgraphSource[], filter: ContractFilter): SubgraphSource[] {
  const documents = subgraphs.map((subgraph) => parse(subgraph.sdl));
  let hidden: HiddenElements;
  try {
    hidden = hiddenElements(buildSchemaModel(documents), filter);
  } catch (error) {
    if (error instanceof ContractFilterError)
      throw new CompositionError(error.problems.map((problem) => `${contractLabel(filter)}: ${problem}`));
    throw error;
  }
  return subgraphs.map((subgraph, index) => ({ ...subgraph, sdl: print(hideIn(documents[index]!, hidden)) }));
}

/** The contract's supergraph SDL. Throws CompositionError whose messages name the contract and say what to change. */
export function composeContract(subgraphs: readonly SubgraphSource[], filter: ContractFilter): string {
  const sources = contractSubgraphs(subgraphs, filter);
  try {
    // The full graph's satisfiability covers the contract's (schema/compose.ts ComposeOptions).
    return composeSupergraph(sources, { satisfiability: false });
  } catch (error) {
    if (error instanceof CompositionError)
      throw new CompositionError(error.errors.map((message) => `${contractLabel(filter)}: ${withAdvice(message)}`));
    throw error;
  }
}

function contractLabel(filter: ContractFilter): string {
  const tags = [...filter.includeTags.map((tag) => `+${tag}`), ...filter.excludeTags.map((tag) => `-${tag}`)].join(' ');
  return `contract "${filter.name ?? 'unnamed'}" (${tags || 'no tags'})`;
}

/** Composition's message, with what to change in the tags when it is one a contract typically causes. */
function withAdvice(message: string): string {
  const referenced = /Type "([^"]+)" is @inaccessible but is referenced by "([^"]+)", which is in the API schema/.exec(message);
  if (referenced) {
    const [, type, coordinate] = referenced;
    return `${message} The contract hides ${type} (not included, excluded, or reached by no kept field) but keeps ${coordinate}, which cannot be hidden (a required argument or input field): tag ${type} (or a field that returns it) with an included tag, or hide what declares ${coordinate}.`;
  }
  if (/Type "([^"]+)" is in the API schema but all of its fields are @inaccessible/.test(message) && message.includes('"Query"')) {
    return `${message} The contract keeps no root query field: tag at least one Query field (or Query itself) with an included tag.`;
  }
  return message;
}

/** One subgraph's document with `@inaccessible` added to what is hidden (once per type: a type's extensions share its directives). */
function hideIn(document: DocumentNode, hidden: HiddenElements): DocumentNode {
  const names = federationNames(document);
  const directiveName = names.importsInaccessible ? names.inaccessible : 'inaccessible';
  const inaccessible: ConstDirectiveNode = { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: directiveName } };
  const marked = new Set<string>();
  // A type already inaccessible somewhere in this subgraph (a system step's input) keeps that one mark.
  for (const definition of document.definitions) {
    if (typeKindOf(definition) && 'name' in definition && definition.name && hasDirective(definition.directives, directiveName))
      marked.add(definition.name.value);
  }
  const mark = <T extends { readonly directives?: readonly ConstDirectiveNode[] }>(node: T, hide: boolean): T =>
    hide && !hasDirective(node.directives, directiveName) ? { ...node, directives: [...(node.directives ?? []), inaccessible] } : node;

  const definitions = document.definitions.map((definition): DefinitionNode => {
    if (!names.importsInaccessible && (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION)) {
      return { ...definition, directives: definition.directives?.map(importingInaccessible) };
    }
    if (!typeKindOf(definition) || !('name' in definition) || !definition.name || isFrameworkType(definition.name.value)) return definition;
    const typeName = definition.name.value;
    // typeKindOf admitted it: a type definition or extension, whose directives are const.
    let result = definition as TypeSystemDefinitionNode | TypeSystemExtensionNode;
    if (hidden.types.has(typeName) && !marked.has(typeName)) {
      marked.add(typeName);
      result = mark(result, true);
    }
    if ('fields' in result && result.fields) {
      const fields = result.fields as readonly (FieldDefinitionNode | InputValueDefinitionNode)[];
      result = {
        ...result,
        fields: fields.map((field) => {
          const coordinate = `${typeName}.${field.name.value}`;
          if (field.kind === Kind.INPUT_VALUE_DEFINITION) return mark(field, hidden.inputFields.has(coordinate));
          const args = field.arguments?.map((arg) => mark(arg, hidden.args.has(`${coordinate}(${arg.name.value}:)`)));
          // An `@external` field (one `@requires` reads) is hidden where it is resolved: federation refuses the mark here.
          const external = hasDirective(field.directives, 'external') || hasDirective(field.directives, 'federation__external');
          return mark({ ...field, ...(args ? { arguments: args } : {}) }, hidden.fields.has(coordinate) && !external);
        }),
      } as typeof result;
    }
    if ('values' in result && result.values) {
      const values = result.values as readonly EnumValueDefinitionNode[];
      result = {
        ...result,
        values: values.map((value) => mark(value, hidden.values.has(`${typeName}.${value.name.value}`))),
      } as typeof result;
    }
    return result;
  });
  return { ...document, definitions };
}

/** The federation `@link` with `"@inaccessible"` added to its imports (other directives unchanged). */
function importingInaccessible(directive: ConstDirectiveNode): ConstDirectiveNode {
  const url = directive.arguments?.find((argument) => argument.name.value === 'url')?.value;
  if (directive.name.value !== 'link' || url?.kind !== Kind.STRING || !/\/\/specs\.apollo\.dev\/federation\//.test(url.value))
    return directive;
  const added: ConstValueNode = { kind: Kind.STRING, value: '@inaccessible' };
  const imports = directive.arguments?.find((argument) => argument.name.value === 'import');
  const importArgument: ConstArgumentNode = {
    kind: Kind.ARGUMENT,
    name: { kind: Kind.NAME, value: 'import' },
    value: { kind: Kind.LIST, values: [...(imports?.value.kind === Kind.LIST ? imports.value.values : []), added] },
  };
  return { ...directive, arguments: [...(directive.arguments ?? []).filter((argument) => argument !== imports), importArgument] };
}

function hasDirective(directives: readonly { readonly name: { readonly value: string } }[] | undefined, name: string): boolean {
  return (directives ?? []).some((directive) => directive.name.value === name);
}
