/**
 * Which elements of the graph a contract hides (docs/registry.md#contracts): the tag filter, then
 * what follows from it (types left without fields, fields whose type is hidden, types no kept
 * root field reaches), repeated until nothing changes.
 */
import type { SchemaModel, TypeModel } from './schemaModel.ts';

export interface ContractFilter {
  /** The contract's name, for error messages. */
  readonly name?: string;
  readonly includeTags: readonly string[];
  readonly excludeTags: readonly string[];
}

/** The hidden elements, by coordinate: `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `Input.field`. */
export interface HiddenElements {
  readonly types: Set<string>;
  readonly fields: Set<string>;
  readonly args: Set<string>;
  readonly values: Set<string>;
  readonly inputFields: Set<string>;
}

/** What makes a contract impossible before composition is even tried, as sentences naming the coordinate. */
export class ContractFilterError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ContractFilterError';
  }
}

export function hiddenElements(model: SchemaModel, filter: ContractFilter): HiddenElements {
  const hidden: HiddenElements = { types: new Set(), fields: new Set(), args: new Set(), values: new Set(), inputFields: new Set() };
  const problems: string[] = [];
  const excluded = (tags: Iterable<string>) => [...tags].some((tag) => filter.excludeTags.includes(tag));
  const included = (tags: Iterable<string>) => filter.includeTags.length === 0 || [...tags].some((tag) => filter.includeTags.includes(tag));
  const hideable = (type: TypeModel) => !model.pinned.has(type.name) && !model.roots.has(type.name);

  // 1. The tags. Inclusion decides object and interface fields (a field inherits its type's tags)
  //    and unions; exclusion decides every element (an element inherits its parent type's tags).
  for (const type of model.types.values()) {
    if (excluded(type.tags) && hideable(type)) hidden.types.add(type.name);
    if (type.kind === 'union' && !included(type.tags)) hidden.types.add(type.name);
    for (const [fieldName, field] of type.fields) {
      const coordinate = `${type.name}.${fieldName}`;
      const tags = [...field.tags, ...type.tags];
      if (excluded(tags) || !included(tags)) hidden.fields.add(coordinate);
      for (const [argName, arg] of field.args) {
        if (!excluded(arg.tags)) continue;
        if (!arg.required) hidden.args.add(`${coordinate}(${argName}:)`);
        else if (!hidden.fields.has(coordinate))
          problems.push(
            `${coordinate}(${argName}:) carries an excluded tag but is a required argument of a field the contract keeps: make it optional, or exclude ${coordinate} too`,
          );
      }
    }
    for (const [valueName, tags] of type.values) if (excluded([...tags, ...type.tags])) hidden.values.add(`${type.name}.${valueName}`);
    for (const [fieldName, field] of type.inputFields) {
      if (!excluded([...field.tags, ...type.tags]) || hidden.types.has(type.name)) continue;
      if (!field.required) hidden.inputFields.add(`${type.name}.${fieldName}`);
      else
        problems.push(
          `${type.name}.${fieldName} carries an excluded tag but is a required input field: make it optional, or exclude ${type.name} too`,
        );
    }
  }
  if (problems.length > 0) throw new ContractFilterError(problems);

  // 2. What follows, until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    const hide = (set: Set<string>, coordinate: string) => {
      if (set.has(coordinate)) return;
      set.add(coordinate);
      changed = true;
    };
    for (const type of model.types.values()) {
      if (hidden.types.has(type.name)) continue;
      for (const [fieldName, field] of type.fields) {
        const coordinate = `${type.name}.${fieldName}`;
        if (hidden.types.has(field.type)) hide(hidden.fields, coordinate);
        for (const [argName, arg] of field.args)
          if (!arg.required && hidden.types.has(arg.type)) hide(hidden.args, `${coordinate}(${argName}:)`);
      }
      for (const [fieldName, field] of type.inputFields)
        if (!field.required && hidden.types.has(field.type)) hide(hidden.inputFields, `${type.name}.${fieldName}`);
      const none = (names: Iterable<string>, set: Set<string>) => [...names].every((name) => set.has(`${type.name}.${name}`));
      const empty =
        ((type.kind === 'object' || type.kind === 'interface') && none(type.fields.keys(), hidden.fields)) ||
        (type.kind === 'input' && none(type.inputFields.keys(), hidden.inputFields)) ||
        (type.kind === 'enum' && none(type.values.keys(), hidden.values)) ||
        (type.kind === 'union' && [...type.members].every((member) => hidden.types.has(member)));
      // Query stays even when empty: composition then says the contract keeps no query field.
      if (empty && !model.pinned.has(type.name) && type.name !== 'Query') hide(hidden.types, type.name);
    }
    for (const name of unreachable(model, hidden)) hide(hidden.types, name);
  }
  return hidden;
}

/** Types that no kept root field reaches (through kept fields, kept arguments, input fields, union members, implementations). */
function unreachable(model: SchemaModel, hidden: HiddenElements): string[] {
  const reached = new Set<string>();
  const queue = [...model.roots, ...model.pinned].filter((name) => model.types.has(name) && !hidden.types.has(name));
  const visit = (name: string) => {
    if (reached.has(name) || hidden.types.has(name) || !model.types.has(name)) return;
    reached.add(name);
    queue.push(name);
  };
  for (const name of queue) reached.add(name);
  while (queue.length > 0) {
    const type = model.types.get(queue.pop()!)!;
    for (const [fieldName, field] of type.fields) {
      const coordinate = `${type.name}.${fieldName}`;
      if (hidden.fields.has(coordinate)) continue;
      visit(field.type);
      for (const [argName, arg] of field.args) if (!hidden.args.has(`${coordinate}(${argName}:)`)) visit(arg.type);
    }
    for (const [fieldName, field] of type.inputFields) if (!hidden.inputFields.has(`${type.name}.${fieldName}`)) visit(field.type);
    for (const member of type.members) visit(member);
    for (const implemented of type.interfaces) visit(implemented);
    if (type.kind === 'interface') for (const other of model.types.values()) if (other.interfaces.has(type.name)) visit(other.name);
  }
  return [...model.types.keys()].filter((name) => !reached.has(name) && !hidden.types.has(name));
}
