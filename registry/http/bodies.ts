/**
 * The registry API's inputs, validated before the registry sees them: JSON bodies (strict: an
 * unknown key or a wrong type is BAD_REQUEST naming it) and query parameters.
 */
import type { IncomingMessage } from 'node:http';
import { readBody } from '../../core/http/readBody.ts';
import type { PublishInput, ProposedSchema } from '../registry.ts';
import type { Contract, UsageBatch, UsageEntry } from '../types.ts';
import { ApiError } from './reply.ts';

type Body = Record<string, unknown>;

/** The JSON object of a POST: `application/json` only (415 otherwise), at most `limit` bytes (413). */
export async function readJsonObject(request: IncomingMessage, limit: number): Promise<Body> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON: send `Content-Type: application/json`.');
  const text = await readBody(request, limit);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError('BAD_REQUEST', 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ApiError('BAD_REQUEST', 'The request body must be a JSON object.');
  return value as Body;
}

function allowOnly(body: Body, keys: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !keys.includes(key));
  if (unknown.length > 0)
    throw new ApiError('BAD_REQUEST', `Unknown field ${JSON.stringify(unknown[0])}; the fields are ${keys.join(', ')}.`);
}

function requiredString(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '')
    throw new ApiError('BAD_REQUEST', `The field ${JSON.stringify(key)} must be a non-empty string.`);
  return value;
}

function optionalString(body: Body, key: string): string | undefined {
  if (body[key] === undefined || body[key] === null) return undefined;
  return requiredString(body, key);
}

function stringList(body: Body, key: string): readonly string[] {
  const value = body[key] ?? [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string' && item !== '')) {
    throw new ApiError('BAD_REQUEST', `The field ${JSON.stringify(key)} must be an array of non-empty strings.`);
  }
  return value;
}

function positiveInteger(value: unknown, what: string): number {
  const number = typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1)
    throw new ApiError('BAD_REQUEST', `${what} must be a positive integer.`);
  return number;
}

function proposalFields(body: Body): ProposedSchema {
  return { subgraph: requiredString(body, 'subgraph'), sdl: requiredString(body, 'sdl'), url: optionalString(body, 'url') };
}

export function proposalOf(body: Body): ProposedSchema {
  allowOnly(body, ['subgraph', 'sdl', 'url']);
  return proposalFields(body);
}

export function publishOf(body: Body, author: string): PublishInput {
  allowOnly(body, ['subgraph', 'sdl', 'url', 'commit']);
  return { ...proposalFields(body), author, commit: optionalString(body, 'commit') };
}

export function rollbackOf(body: Body): { readonly subgraph: string; readonly version: number } {
  allowOnly(body, ['subgraph', 'version']);
  return { subgraph: requiredString(body, 'subgraph'), version: positiveInteger(body.version, 'The field "version"') };
}

export function contractOf(body: Body, createdBy: string): Omit<Contract, 'createdAt'> {
  allowOnly(body, ['name', 'includeTags', 'excludeTags']);
  return {
    name: requiredString(body, 'name'),
    includeTags: stringList(body, 'includeTags'),
    excludeTags: stringList(body, 'excludeTags'),
    createdBy,
  };
}

/** A gateway flushes at most 1,000 entries at a time (gateway/usage/usageRecorder.ts); room for ten times that. */
const MAX_USAGE_ENTRIES = 10_000;
/** A schema coordinate or a client id longer than this is not one. */
const MAX_USAGE_TEXT = 512;

export function usageBatchOf(body: Body): UsageBatch {
  allowOnly(body, ['entries']);
  if (!Array.isArray(body.entries)) throw new ApiError('BAD_REQUEST', 'The field "entries" must be an array.');
  if (body.entries.length > MAX_USAGE_ENTRIES) throw new ApiError('BAD_REQUEST', `At most ${MAX_USAGE_ENTRIES} entries per batch.`);
  const entries = body.entries.map((raw: unknown, index): UsageEntry => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new ApiError('BAD_REQUEST', `entries[${index}] must be an object.`);
    const entry = raw as Body;
    allowOnly(entry, ['clientId', 'coordinate', 'count', 'lastUsedAt']);
    const lastUsedAt = requiredString(entry, 'lastUsedAt');
    if (Number.isNaN(Date.parse(lastUsedAt))) throw new ApiError('BAD_REQUEST', `entries[${index}].lastUsedAt must be an ISO timestamp.`);
    const clientId = requiredString(entry, 'clientId');
    const coordinate = requiredString(entry, 'coordinate');
    if (clientId.length > MAX_USAGE_TEXT || coordinate.length > MAX_USAGE_TEXT)
      throw new ApiError('BAD_REQUEST', `entries[${index}]: clientId and coordinate are at most ${MAX_USAGE_TEXT} characters.`);
    return { clientId, coordinate, count: positiveInteger(entry.count, `entries[${index}].count`), lastUsedAt };
  });
  return { entries };
}

/** A query parameter that must be there. */
export function requiredParam(search: URLSearchParams, name: string): string {
  const value = search.get(name);
  if (!value) throw new ApiError('BAD_REQUEST', `The query parameter ${JSON.stringify(name)} is required.`);
  return value;
}

export function intParam(search: URLSearchParams, name: string): number {
  return positiveInteger(requiredParam(search, name), `The query parameter ${JSON.stringify(name)}`);
}

/** `?limit=N` when given; at most `max`. */
export function limitParam(search: URLSearchParams, max: number): number | undefined {
  if (!search.has('limit')) return undefined;
  const limit = positiveInteger(search.get('limit'), 'The query parameter "limit"');
  if (limit > max) throw new ApiError('BAD_REQUEST', `The query parameter "limit" must be at most ${max}.`);
  return limit;
}

export function versionSegment(segment: string): number {
  return positiveInteger(segment, 'The version');
}
