/**
 * The objects the plan executor builds for a response (the merged data, each shaped object, each
 * representation). A response name is whatever the client aliased, so these must not inherit
 * anything — not `__proto__`'s setter, not `constructor` — which `Object.create(null)` gives, but
 * V8 keeps such objects in dictionary mode: about 2.5× the memory of an object with a shape, and
 * slower to read and to stringify (docs/executor.md#memory). A record's prototype is an empty,
 * frozen object whose own prototype is null: nothing is inherited, `record.__proto__ = x` makes
 * an own property, and V8 gives the record a shape like any object literal.
 */
const NOTHING_INHERITED: object = Object.freeze(Object.create(null) as object);

function RecordShape(this: object): void {}
RecordShape.prototype = NOTHING_INHERITED;

/** A new empty record: no inherited properties, fast (shaped) properties. */
export function newRecord<T = unknown>(): Record<string, T> {
  return new (RecordShape as unknown as new () => Record<string, T>)();
}
