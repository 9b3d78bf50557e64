import { Kind, type FragmentDefinitionNode } from 'graphql';

/**
 * The fragment definitions of a document, by name: what every walk over an operation (limits,
 * cost, authorization, capabilities, usage, error placement) looks a spread's fragment up in, so
 * each fragment is found in constant time and measured once.
 */
export function fragmentsOf(definitions: readonly { readonly kind: Kind }[]): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const fragment = definition as FragmentDefinitionNode;
      fragments.set(fragment.name.value, fragment);
    }
  }
  return fragments;
}
