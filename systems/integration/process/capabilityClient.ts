/**
 * How a saga step reaches the owning system (docs/processes.md#calling-capabilities): a POST to the
 * system's subgraph URL, like `Peers.step` (systems/kernel/capability/peers.ts), signed as
 * `system:integration` (scope `tessera:system`, every legal entity), with the step's deterministic
 * idempotency key in the input, the process's correlation id and a traceparent in the process's
 * trace. The answer is classified: success, business refusal (a userError's code), transient (no
 * answer, a timeout, a 5xx, DOWNSTREAM_UNAVAILABLE, IDEMPOTENCY_IN_PROGRESS), or failed for good.
 */
import { randomUUID } from 'node:crypto';
import { INTERNAL_PRINCIPAL_HEADER, signInternalPrincipal } from '../../../auth/internalPrincipal.ts';
import { REQUEST_ID_HEADER } from '../../../core/http/requestId.ts';
import { CORRELATION_ID_HEADER, TRACEPARENT_HEADER } from '../../../core/http/traceContext.ts';
import { systemPrincipal, type PeerTransport } from '../../kernel/capability/peers.ts';
import type { SubgraphName } from '../../kernel/subgraphName.ts';

/** Codes that mean "the same call may succeed later". */
const TRANSIENT_CODES = new Set(['DOWNSTREAM_UNAVAILABLE', 'IDEMPOTENCY_IN_PROGRESS', 'INTERNAL_SERVER_ERROR', 'TIMEOUT', 'RATE_LIMITED']);

export type CallAnswer<T> =
  | { readonly kind: 'ok'; readonly value: T; readonly requestId: string }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string; readonly requestId: string }
  | { readonly kind: 'transient'; readonly code: string; readonly message: string; readonly requestId: string }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string; readonly requestId: string };

export interface CapabilityClient {
  /**
   * Calls mutation `field` of `system` with `input` plus the idempotency key `key`. `selection`
   * is the payload's selection set; a payload with `userErrors` (or a `CapabilityFailure` with
   * `errors`) is a refusal.
   */
  call<T>(
    system: SubgraphName,
    field: string,
    inputType: string,
    input: Record<string, unknown>,
    selection: string,
    key: string,
  ): Promise<CallAnswer<T>>;
  /** Runs a query on `system` as `system:integration` (every record); throws on any failure (the step treats it as transient). */
  read<T>(system: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The request ids of the calls made so far (the step records the last). */
  readonly requestIds: readonly string[];
}

export interface ClientTrace {
  readonly correlationId: string;
  /** The traceparent of the step: the process's trace id with a new span. */
  readonly traceparent: string;
  /**
   * How often `retryProcess` resumed the step after a business refusal (docs/processes.md#retry):
   * a call then goes under `<key>:unblocked:<n>`, after the keys of the earlier generations.
   */
  readonly unblocked?: number;
}

export interface ClientOptions extends PeerTransport {
  /** How long a call may take before it counts as lost (transient). @default 30 s */
  readonly timeoutMs?: number;
}

interface GraphQLBody {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; extensions?: { code?: string } }[];
}

export class TransientReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientReadError';
  }
}

export function createCapabilityClient(options: ClientOptions, trace: ClientTrace): CapabilityClient {
  const requestIds: string[] = [];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const post = async (system: SubgraphName, body: unknown) => {
    const requestId = randomUUID();
    requestIds.push(requestId);
    const token = signInternalPrincipal(systemPrincipal('integration'), options.internalSecret, { requestId });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const response = await Promise.race([
        options.fetcher(options.urlOf(system), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            [REQUEST_ID_HEADER]: requestId,
            [CORRELATION_ID_HEADER]: trace.correlationId,
            [TRACEPARENT_HEADER]: trace.traceparent,
            [INTERNAL_PRINCIPAL_HEADER]: token,
          },
          body: JSON.stringify(body),
        }),
        timeout,
      ]);
      const status = response.status;
      let parsed: GraphQLBody | null;
      try {
        parsed = (await Promise.race([response.json(), timeout])) as GraphQLBody;
      } catch {
        parsed = null;
      }
      return { requestId, status, body: parsed };
    } finally {
      clearTimeout(timer);
    }
  };

  async function callOnce<T>(
    system: SubgraphName,
    field: string,
    inputType: string,
    input: Record<string, unknown>,
    selection: string,
    key: string,
  ): Promise<CallAnswer<T>> {
    const query = `mutation Step($input: ${inputType}!) { ${field}(input: $input) ${selection} }`;
    let answer: Awaited<ReturnType<typeof post>>;
    try {
      answer = await post(system, { query, variables: { input: { ...input, idempotencyKey: key } } });
    } catch (error) {
      const requestId = requestIds.at(-1)!;
      return { kind: 'transient', code: 'DOWNSTREAM_UNAVAILABLE', message: `${system}: ${(error as Error).message}`, requestId };
    }
    const { requestId, status, body } = answer;
    const errors = body?.errors ?? [];
    if (!body || status >= 500 || errors.some((error) => TRANSIENT_CODES.has(error.extensions?.code ?? ''))) {
      const code = errors[0]?.extensions?.code ?? 'DOWNSTREAM_UNAVAILABLE';
      return { kind: 'transient', code, message: `${system} answered ${status}: ${errors[0]?.message ?? 'no GraphQL body'}`, requestId };
    }
    const payload = body.data?.[field] as Record<string, unknown> | null | undefined;
    if (errors.length || !payload) {
      return {
        kind: 'failed',
        code: errors[0]?.extensions?.code ?? 'UNKNOWN',
        message: errors[0]?.message ?? `${field} answered nothing`,
        requestId,
      };
    }
    const refusals = (payload.userErrors ?? payload.errors) as { code: string; message: string }[] | undefined;
    if (refusals?.length) return { kind: 'refused', code: refusals[0]!.code, message: refusals[0]!.message, requestId };
    return { kind: 'ok', value: payload as T, requestId };
  }

  return {
    requestIds,
    async call<T>(system: SubgraphName, field: string, inputType: string, input: Record<string, unknown>, selection: string, key: string) {
      const generations = trace.unblocked ?? 0;
      for (let generation = 0; ; generation += 1) {
        const answer = await callOnce<T>(
          system,
          field,
          inputType,
          input,
          selection,
          generation === 0 ? key : `${key}:unblocked:${generation}`,
        );
        if (generation === generations) return answer;
        // An earlier generation's success stands (never made twice); its refusal is the one fixed since.
        const superseded = answer.kind === 'refused' || (answer.kind === 'failed' && answer.code === 'IDEMPOTENCY_KEY_REUSED');
        if (!superseded) return answer;
      }
    },
    async read<T>(system: SubgraphName, query: string, variables: Record<string, unknown> = {}) {
      let answer: Awaited<ReturnType<typeof post>>;
      try {
        answer = await post(system, { query, variables });
      } catch (error) {
        throw new TransientReadError(`${system}: ${(error as Error).message}`);
      }
      const { status, body } = answer;
      if (!body?.data || status >= 400 || body.errors?.length) {
        throw new TransientReadError(`${system} answered ${status}: ${body?.errors?.[0]?.message ?? 'no GraphQL body'}`);
      }
      return body.data as T;
    },
  };
}
