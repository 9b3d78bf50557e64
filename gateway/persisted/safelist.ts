/**
 * The safelists of every client as one lookup (docs/persisted-operations.md#safelists): the
 * manifest file's operations (each for its `clients`, or for every client) and the registry's
 * manifests (each for the client it was published for), by operation id.
 */
import type { PersistedManifest } from '../../core/persistedManifest.ts';

/** A manifest and whom it is for: a client id (a registry manifest), or null (the file: each operation's own `clients`). */
export interface ScopedManifest {
  readonly client: string | null;
  readonly manifest: PersistedManifest;
}

export interface Safelist {
  /** The body of the operation `id` when `clientId` may run it. */
  find(id: string, clientId: string): string | undefined;
  /** Whether any operation is safelisted for `clientId`. */
  hasAny(clientId: string): boolean;
  /** How many distinct operations there are. */
  readonly size: number;
}

interface Entry {
  readonly body: string;
  /** null: every client. */
  clients: Set<string> | null;
}

export function buildSafelist(manifests: readonly ScopedManifest[]): Safelist {
  const entries = new Map<string, Entry>();
  /** Clients with at least one operation of their own; `everyone` when some operation is for all. */
  const clientsWithAny = new Set<string>();
  let everyone = false;
  for (const { client, manifest } of manifests) {
    for (const operation of manifest.operations) {
      const allowed = client !== null ? [client] : operation.clients;
      if (allowed === null) everyone = true;
      else for (const id of allowed) clientsWithAny.add(id);
      const entry = entries.get(operation.id);
      if (!entry) {
        entries.set(operation.id, { body: operation.body, clients: allowed === null ? null : new Set(allowed) });
      } else if (allowed === null) {
        entry.clients = null;
      } else if (entry.clients !== null) {
        for (const id of allowed) entry.clients.add(id);
      }
    }
  }
  return {
    find(id, clientId) {
      const entry = entries.get(id);
      return entry && (entry.clients === null || entry.clients.has(clientId)) ? entry.body : undefined;
    },
    hasAny: (clientId) => everyone || clientsWithAny.has(clientId),
    size: entries.size,
  };
}
