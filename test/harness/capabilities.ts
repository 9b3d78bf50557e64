/** Calling capabilities (mutations) in tests: fresh keys and the payload of a one-field mutation. */
import { randomUUID } from 'node:crypto';
import type { GraphQLBody, TestTessera } from './startTestTessera.ts';

/** A fresh idempotency key. */
export function newKey(): string {
  return randomUUID();
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
