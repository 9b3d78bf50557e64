/**
 * The value types every subgraph shares (scalars, Money, PageInfo, UserError) are written once, in
 * schema/shared.graphql, and every subgraph SDL includes that one definition.
 */
import fs from 'node:fs';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCHEMA_DIR, SHARED_VALUE_TYPES_SDL } from '../../schema/subgraphSdl.ts';
import { REAL_SOURCES, SUBGRAPHS } from './realSchema.ts';

/** The names of the types and scalars a document defines, in order. */
function definedNames(sdl: string): string[] {
  return parse(sdl).definitions.flatMap((definition) =>
    definition.kind === Kind.SCALAR_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_DEFINITION ? [definition.name.value] : [],
  );
}

describe('the shared value types', () => {
  const shared = definedNames(SHARED_VALUE_TYPES_SDL);

  it('are the scalars, Money, PageInfo and UserError, each a @shareable object or a scalar', () => {
    expect(shared).toEqual(['Date', 'DateTime', 'Decimal', 'CurrencyCode', 'Money', 'PageInfo', 'UserError']);
    for (const definition of parse(SHARED_VALUE_TYPES_SDL).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
      // And the partner contract's @tag (docs/registry.md#contracts): a filter, no governance decision.
      expect(definition.directives?.map((directive) => directive.name.value)).toEqual(['shareable', 'public', 'tag']);
    }
  });

  it('are defined in no subgraph file of its own, and included once in every subgraph SDL', () => {
    for (const name of SUBGRAPHS) {
      const own = fs.readFileSync(new URL(`${name}.graphql`, SCHEMA_DIR), 'utf8');
      expect(definedNames(own).filter((type) => shared.includes(type))).toEqual([]);
    }
    for (const source of REAL_SOURCES) {
      expect(source.sdl.split(SHARED_VALUE_TYPES_SDL)).toHaveLength(2);
      const names = definedNames(source.sdl);
      for (const type of shared) expect(names.filter((defined) => defined === type)).toEqual([type]);
    }
  });
});
