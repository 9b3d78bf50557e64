import { Kind, type DocumentNode, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';

export type ObjectTypeNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

/** Object type definitions and extensions (`extend type`) of an SDL document, by name, in document order. */
export function objectTypes(document: DocumentNode): Map<string, ObjectTypeNode[]> {
  const types = new Map<string, ObjectTypeNode[]>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    types.set(definition.name.value, [...(types.get(definition.name.value) ?? []), definition]);
  }
  return types;
}
