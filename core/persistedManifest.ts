/**
 * The persisted-operation manifest (docs/persisted-operations.md#manifest): Apollo's persisted query
 * manifest format (`apollo-persisted-query-manifest`, version 1) with one addition, an optional
 * `clients` list per operation (absent: every client may run it). The gateway reads it from
 * `TESSERA_PERSISTED_OPERATIONS_FILE`, the registry stores it per client; both read it here, so an
 * id that is not the SHA-256 of its body is refused the same way everywhere.
 */
import { createHash } from 'node:crypto';

export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';
export const MANIFEST_VERSION = 1;

/** The operation types a manifest entry may declare. */
export const OPERATION_TYPES = ['query', 'mutation', 'subscription'] as const;
export type PersistedOperationType = (typeof OPERATION_TYPES)[number];

/** One safelisted operation. */
export interface PersistedOperation {
  /** The lower-case hex SHA-256 of `body`: what a client sends as `sha256Hash` or `documentId`. */
  readonly id: string;
  readonly name: string;
  readonly type: PersistedOperationType;
  /** The GraphQL document, exactly as hashed. */
  readonly body: string;
  /** The client ids (`client_id` of the token) that may run it; null for every client. */
  readonly clients: readonly string[] | null;
}

export interface PersistedManifest {
  readonly operations: readonly PersistedOperation[];
}

/** A manifest that cannot be used; the message names the operation (by index and name) and the problem. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** A SHA-256 in hex, as clients send it. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The lower-case hex SHA-256 of a UTF-8 text (what APQ and the manifest format hash). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A client id as tokens carry it and a manifest names it: 1-128 letters, digits, `.`, `_`, `:`, `@` or `-`. */
export const CLIENT_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a parsed manifest: its format and version, and every operation (an id that is not its body's hash included). */
export function parseManifest(raw: unknown): PersistedManifest {
  if (!isObject(raw)) throw new ManifestError('a manifest is a JSON object');
  if (raw.format !== MANIFEST_FORMAT) {
    throw new ManifestError(`"format" must be ${JSON.stringify(MANIFEST_FORMAT)}; got ${JSON.stringify(raw.format ?? null)}`);
  }
  if (raw.version !== MANIFEST_VERSION) {
    throw new ManifestError(`"version" must be ${MANIFEST_VERSION}; got ${JSON.stringify(raw.version ?? null)}`);
  }
  if (!Array.isArray(raw.operations)) throw new ManifestError('"operations" must be an array');
  const seen = new Set<string>();
  const operations = raw.operations.map((entry: unknown, index): PersistedOperation => {
    const operation = operationOf(entry, index);
    if (seen.has(operation.id)) throw new ManifestError(`operation ${index} (${operation.name}): the id ${operation.id} is listed twice`);
    seen.add(operation.id);
    return operation;
  });
  return Object.freeze({ operations: Object.freeze(operations) });
}

function operationOf(entry: unknown, index: number): PersistedOperation {
  const where = (name: unknown) => `operation ${index}${typeof name === 'string' && name ? ` (${name})` : ''}`;
  if (!isObject(entry)) throw new ManifestError(`${where(null)} must be an object with id, name, type and body`);
  const { id, name, type, body, clients } = entry;
  if (typeof name !== 'string' || name === '') throw new ManifestError(`${where(name)}: "name" must be a non-empty string`);
  if (typeof body !== 'string' || body.trim() === '') throw new ManifestError(`${where(name)}: "body" must be a GraphQL document`);
  if (typeof type !== 'string' || !(OPERATION_TYPES as readonly string[]).includes(type)) {
    throw new ManifestError(`${where(name)}: "type" must be one of ${OPERATION_TYPES.join(', ')}; got ${JSON.stringify(type ?? null)}`);
  }
  if (typeof id !== 'string' || !SHA256_HEX.test(id)) {
    throw new ManifestError(`${where(name)}: "id" must be the lower-case hex SHA-256 of the body`);
  }
  const actual = sha256Hex(body);
  if (id !== actual) throw new ManifestError(`${where(name)}: the id ${id} is not the SHA-256 of its body (${actual})`);
  return Object.freeze({ id, name, type: type as PersistedOperationType, body, clients: clientsOf(clients, where(name)) });
}

function clientsOf(clients: unknown, where: string): readonly string[] | null {
  if (clients === undefined) return null;
  if (!Array.isArray(clients) || clients.length === 0 || !clients.every((client) => typeof client === 'string' && CLIENT_ID.test(client))) {
    throw new ManifestError(`${where}: "clients" must be a non-empty array of client ids (omit it for every client)`);
  }
  return Object.freeze([...new Set(clients as string[])]);
}
