/** Building and ordering `SchemaChange`s (docs/registry.md#changes). */
import type { ChangeSeverity, SchemaChange } from '../types.ts';

/** A change; a SAFE one affects no client, so it has no usage coordinates. */
export function schemaChange(
  severity: ChangeSeverity,
  kind: string,
  coordinate: string,
  message: string,
  usageCoordinates: readonly string[] = [],
): SchemaChange {
  return { severity, kind, coordinate, message, usageCoordinates: severity === 'SAFE' ? [] : [...new Set(usageCoordinates)].sort() };
}

/** Deterministic order: by coordinate, then kind, then message (two members leaving one union share the first two). */
export function compareChanges(a: SchemaChange, b: SchemaChange): number {
  return compare(a.coordinate, b.coordinate) || compare(a.kind, b.kind) || compare(a.message, b.message);
}

/** Code-point order, the same on every machine (localeCompare is not). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
