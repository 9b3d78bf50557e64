/**
 * The `usage` check (docs/registry.md#in-checks): a breaking change passes when no client used any
 * of its usage coordinates in the window, and is refused, naming the clients, when one did.
 */
import type { ClientUsage, Finding, SchemaChange } from '../types.ts';

export function usageFindings(
  changes: readonly SchemaChange[],
  usage: ReadonlyMap<string, readonly ClientUsage[]>,
  windowDays: number,
): Finding[] {
  return changes.filter((change) => change.severity === 'BREAKING').map((change) => usageFinding(change, usage, windowDays));
}

function usageFinding(change: SchemaChange, usage: ReadonlyMap<string, readonly ClientUsage[]>, windowDays: number): Finding {
  const base = { coordinate: change.coordinate, subgraph: null };
  const what = `${change.kind} on \`${change.coordinate}\``;
  if (change.usageCoordinates.some((coordinate) => coordinate.startsWith('@'))) {
    return {
      ...base,
      rule: 'BREAKING_CHANGE_UNTRACKED',
      severity: 'error',
      message: `${what} is breaking and the gateway records no use of it, so no one can tell which clients it breaks. Keep it, and add what replaces it beside it.`,
    };
  }
  if (change.usageCoordinates.length === 0) {
    return {
      ...base,
      rule: 'BREAKING_CHANGE_UNUSED',
      severity: 'info',
      message: `${what} is breaking, but nothing in the schema reaches it: it breaks no client.`,
    };
  }
  const used = change.usageCoordinates.filter((coordinate) => (usage.get(coordinate) ?? []).length > 0);
  if (used.length === 0) {
    return {
      ...base,
      rule: 'BREAKING_CHANGE_UNUSED',
      severity: 'info',
      message: `${what} is breaking, but no client used ${quoted(change.usageCoordinates)} in the last ${windowDays} days: it breaks no recorded client.`,
    };
  }
  const clients = mergeClients(used, usage);
  return {
    ...base,
    rule: 'BREAKING_CHANGE_IN_USE',
    severity: 'error',
    clients,
    message:
      `${what} breaks ${clientCount(clients)} that used ${quoted(used)} in the last ${windowDays} days: ${describeClients(clients)}. ` +
      'Keep it: deprecate it first with a sunset date (`@deprecated(reason: "... Sunset YYYY-MM-DD")`) and remove it once no client uses it, or, for a capability, add a new version beside it.',
  };
}

/** One entry per client over the coordinates: counts summed, the latest use kept; most recent first. */
export function mergeClients(coordinates: readonly string[], usage: ReadonlyMap<string, readonly ClientUsage[]>): ClientUsage[] {
  const merged = new Map<string, ClientUsage>();
  for (const coordinate of new Set(coordinates)) {
    for (const client of usage.get(coordinate) ?? []) {
      const seen = merged.get(client.clientId);
      merged.set(
        client.clientId,
        seen
          ? {
              clientId: client.clientId,
              count: seen.count + client.count,
              lastUsedAt: seen.lastUsedAt > client.lastUsedAt ? seen.lastUsedAt : client.lastUsedAt,
            }
          : { clientId: client.clientId, count: client.count, lastUsedAt: client.lastUsedAt },
      );
    }
  }
  return [...merged.values()].sort((a, b) =>
    a.lastUsedAt === b.lastUsedAt ? (a.clientId < b.clientId ? -1 : 1) : a.lastUsedAt > b.lastUsedAt ? -1 : 1,
  );
}

/** `partner-portal (12 operations, last used 2026-05-01T10:00:00.000Z), ...` */
export function describeClients(clients: readonly ClientUsage[]): string {
  return clients
    .map(
      (client) => `${client.clientId} (${client.count} ${client.count === 1 ? 'operation' : 'operations'}, last used ${client.lastUsedAt})`,
    )
    .join(', ');
}

/** At most five coordinates, quoted: an enum read by many fields would make the message a page long. */
function quoted(coordinates: readonly string[]): string {
  const shown = coordinates
    .slice(0, 5)
    .map((coordinate) => `\`${coordinate}\``)
    .join(', ');
  return coordinates.length > 5 ? `${shown} and ${coordinates.length - 5} more` : shown;
}

export const clientCount = (clients: readonly ClientUsage[]): string => (clients.length === 1 ? '1 client' : `${clients.length} clients`);
