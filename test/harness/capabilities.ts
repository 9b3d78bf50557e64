/**
 * Calling capabilities (mutations) in tests: fresh keys, the payload of a one-field mutation, the
 * call as another principal, the whole answers the suites compare a call's envelope with, and
 * starting a suite's Tessera with the seeded records it needs.
 */
import { randomUUID } from 'node:crypto';
import type { PrincipalClaims } from '../../auth/principal.ts';
import { FULL_ACCESS, startTestTessera, type GraphQLBody, type TestTessera, type TestTesseraOptions } from './startTestTessera.ts';

/** A fresh idempotency key. */
export function newKey(): string {
  return randomUUID();
}

/** The subject of the default (full-access) token: the principal audited for a call without `claims`. */
export const DEFAULT_SUB = FULL_ACCESS.sub;

export interface UserError {
  readonly code: string;
  readonly message: string;
  readonly field: string | null;
}

export interface Money {
  readonly amount: string;
  readonly currency: string;
}

export interface MutationResult<P> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: GraphQLBody;
  /** `data[<the mutation's only root field>]`, or null when the request failed. */
  readonly payload: P | null;
}

/**
 * POSTs `query` (one mutation field taking `$input`) with `input`; the full-access token unless
 * `token` is given; extra HTTP headers (e.g. `idempotency-key`) in `headers`.
 */
export async function mutate<P = Record<string, unknown>>(
  tessera: TestTessera,
  query: string,
  input: Record<string, unknown>,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<MutationResult<P>> {
  const headers: Record<string, string | null> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await tessera.request({ query, variables: { input } }, headers);
  const data = response.body.data as Record<string, unknown> | null | undefined;
  const payload = data ? ((Object.values(data)[0] ?? null) as P | null) : null;
  return { ...response, payload };
}

export interface CallOptions {
  /** The claims of the token to call with (default: the full-access token). */
  readonly claims?: PrincipalClaims;
  readonly headers?: Record<string, string>;
}

/** Calls a mutation with the default (full-access) token unless `claims` are given. */
export async function call<P>(
  tessera: TestTessera,
  query: string,
  input: Record<string, unknown>,
  options: CallOptions = {},
): Promise<MutationResult<P>> {
  const token = options.claims ? await tessera.token(options.claims) : undefined;
  return mutate<P>(tessera, query, input, { ...(token ? { token } : {}), ...(options.headers ? { headers: options.headers } : {}) });
}

/** What a v1 payload carries besides its entities. */
export interface PayloadEnvelope {
  readonly userErrors: readonly UserError[];
  readonly warnings: readonly UserError[];
}

/**
 * The payload of a v1 call that must have succeeded without warnings, with a non-null `entity`
 * when one is named (a readable failure otherwise).
 */
export function acceptedPayload<P extends PayloadEnvelope>(result: MutationResult<P>, entity?: keyof P): P {
  const payload = result.payload;
  if (
    result.status !== 200 ||
    result.body.errors ||
    !payload ||
    payload.userErrors.length > 0 ||
    payload.warnings.length > 0 ||
    (entity !== undefined && !payload[entity])
  ) {
    throw new Error(`expected an accepted call, got HTTP ${result.status}: ${JSON.stringify(result.body)}`);
  }
  return payload;
}

/** A whole answer: HTTP status and parsed body. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** The whole answer of a v1 `field` call refused with one user error: each of `entities` null (nothing written). */
export function refusedAnswer(field: string, entities: readonly string[], error: UserError, replayed = false): Answer {
  return {
    status: 200,
    body: {
      data: { [field]: { ...Object.fromEntries(entities.map((entity) => [entity, null])), userErrors: [error], warnings: [], replayed } },
    },
  };
}

/** The whole answer of a v1 `field` call that succeeded with `entities` (warnings: ALREADY_IN_STATE). */
export function succeededAnswer(
  field: string,
  entities: Record<string, unknown>,
  options: { warnings?: readonly UserError[]; replayed?: boolean } = {},
): Answer {
  return {
    status: 200,
    body: { data: { [field]: { ...entities, userErrors: [], warnings: options.warnings ?? [], replayed: options.replayed ?? false } } },
  };
}

/** The status and body of a call, for comparing whole envelopes. */
export function envelope(result: MutationResult<unknown>): Answer {
  return { status: result.status, body: result.body };
}

/** The request id the gateway gave a call (the correlation id of the events it wrote). */
export function requestIdOf(result: MutationResult<unknown>): string {
  const id = result.headers.get('x-request-id');
  if (!id) throw new Error('the response has no x-request-id');
  return id;
}

/** The first element that matches, or an error naming what the seed lacks. */
export function pick<T>(rows: readonly T[], what: string, predicate: (row: T) => boolean): T {
  const found = rows.find(predicate);
  if (found === undefined) throw new Error(`the seed has no ${what}`);
  return found;
}

/**
 * A Tessera on the s data set and what a suite starts from in it (`find`); the Tessera is stopped
 * again when `find` fails (the suite's afterAll has nothing to stop then).
 */
export async function startWith<T>(
  find: (tessera: TestTessera) => Promise<T>,
  options: TestTesseraOptions = {},
): Promise<[TestTessera, T]> {
  const tessera = await startTestTessera({ scale: 's', ...options });
  try {
    return [tessera, await find(tessera)];
  } catch (error) {
    await tessera.stop();
    throw error;
  }
}
