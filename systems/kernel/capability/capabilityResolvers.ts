/**
 * Binds a system's capability handlers to its Mutation fields. Each field's name, version and
 * retention come from its `@capability` declaration in the SDL (one source of truth, the one the
 * gateway and the registry read); a handler only says what the capability does.
 *
 * For every call: a principal is required; the idempotency key comes from the input field or the
 * forwarded `Idempotency-Key` header (not both, unless they agree); the effect runs under
 * `runCapability` (idempotency record, effect, outbox and audit in one transaction); the outcome
 * becomes the payload: the result's fields, `userErrors`, `warnings` and `replayed`.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { Kysely } from 'kysely';
import type { SystemAdapter } from './adapter.ts';
import type { SubgraphName } from '../subgraphName.ts';
import { badUserInput, tesseraError } from '../../../core/errors.ts';
import { isValidIdempotencyKey } from '../../../core/http/idempotencyKey.ts';
import { inChildSpan } from '../../../core/telemetry/spans.ts';
import type { Principal } from '../../../auth/principal.ts';
import type { RecordScope } from '../../../policies/recordScope.ts';
import { capabilitiesOf, type CapabilityDeclaration } from '../../../schema/capabilities.ts';
import { lengthRefusal, maxLengthsOf, overLength, type MaxLengths } from '../../../schema/maxLength.ts';
import { parseSubgraphSdl } from '../../../schema/subgraphSdl.ts';
import type { RequestScope } from '../../../auth/requestScope.ts';
import { isSystemPrincipal, type Peers } from './peers.ts';
import { CapabilityRejected } from './rejection.ts';
import { findIdempotencyRecord, idempotencyKeyColumns } from './records.ts';
import { runCapability } from './runCapability.ts';
import type { CapabilityTables } from './tables.ts';
import type { CapabilityOutcome, CapabilityRejection, DomainEventDraft } from './types.ts';

/** What a capability sees of the request (a subset of every system's context). */
export interface CapabilityContext<Ports> {
  /** Where the idempotency records, outbox and audit live (for a local adapter, the database its ports write to). */
  readonly ledger: Kysely<CapabilityTables>;
  /** Reads of the ledger outside transactions (never queued behind one on SQLite). */
  readonly ledgerReads: Kysely<CapabilityTables>;
  /** How the capabilities reach the system of record. */
  readonly adapter: SystemAdapter<Ports>;
  readonly scope: RecordScope;
  readonly request: RequestScope;
  readonly peers: Peers;
  /** The clock of every timestamp a capability writes (tests inject one). */
  readonly clock: () => Date;
  /**
   * Called with the capability's name (`integration.mergeAccounts`) after a call committed a new
   * outcome (its events, if any, are in the outbox): wakes the relay, and in embedded mode clears
   * what this process keeps of the state the call changed (docs/crosswalk.md#the-link-cache).
   */
  readonly eventsCommitted?: (capability: string) => void;
}

/** What `prepare` sees: the call, before any transaction. */
export interface PrepareArgs<Ctx, Input> {
  /** The input without its idempotency key. */
  readonly input: Input;
  readonly ctx: Ctx;
  readonly principal: Principal;
  readonly declaration: CapabilityDeclaration;
}

export interface EffectArgs<Ports, Ctx, Input, Facts = undefined> {
  /** The input without its idempotency key. */
  readonly input: Input;
  /** What `prepare` read from other systems (undefined without a `prepare`). */
  readonly facts: Facts;
  /** The system's read and write ports for this call (inside its transaction for a local system). */
  readonly ports: Ports;
  readonly emit: (event: DomainEventDraft) => void;
  readonly ctx: Ctx;
  readonly principal: Principal;
  readonly idempotencyKey: string;
  readonly declaration: CapabilityDeclaration;
  /** The call's clock reading (`ctx.clock`): every timestamp the effect writes. */
  readonly now: Date;
}

/** What an effect gives back: the payload fields, and warnings (ALREADY_IN_STATE) if any. */
export type EffectResult = Readonly<Record<string, unknown>> & { readonly warnings?: readonly CapabilityRejection[] };

export interface CapabilityHandler<
  Ports,
  Ctx,
  Input = Record<string, unknown>,
  Result extends EffectResult = EffectResult,
  Facts = undefined,
> {
  // Method syntax on purpose: a map of handlers with different inputs and results must type-check as one.
  /**
   * Reads what the capability needs from other systems (`ctx.peers.read`), BEFORE the transaction:
   * a transaction is never held open across another system's answer (on SQLite that would
   * serialize every writer behind a network call, and two systems waiting on each other would
   * deadlock). Skipped when the key already holds a completed answer (a replay needs no facts).
   * A `rejected(...)` thrown here is stored and replayed like one thrown by the effect.
   */
  prepare?(args: PrepareArgs<Ctx, Input>): Promise<Facts>;
  /**
   * Runs inside the capability's transaction; throws `rejected(...)` for a business-rule failure.
   * Its only calls to other systems are system steps (`ctx.peers.step`), whose systems make no
   * calls of their own inside their transactions.
   */
  effect(args: EffectArgs<Ports, Ctx, Input, Facts>): Promise<Result>;
  /** The GraphQL payload of the stored outcome. Default: the result's fields, `userErrors`, `warnings`, `replayed`. */
  payload?(outcome: CapabilityOutcome<Result>, replayed: boolean): unknown;
  /** A step other systems hand over: only system principals may call it (the field is `@inaccessible`). */
  readonly systemOnly?: boolean;
}

type Handlers<Ports, Ctx> = Readonly<Record<string, CapabilityHandler<Ports, Ctx, never, EffectResult, unknown>>>;

/**
 * The Mutation resolvers of `system`. Throws at start when a declared capability has no handler
 * or a handler has no declaration: the schema and the code cannot disagree.
 */
export function capabilityResolvers<Ports, Ctx extends CapabilityContext<Ports>>(
  system: SubgraphName,
  handlers: Handlers<Ports, Ctx>,
  declarations: ReadonlyMap<string, CapabilityDeclaration> = capabilitiesOf(parseSubgraphSdl(system)),
  lengths: MaxLengths = maxLengthsOf(parseSubgraphSdl(system)),
): Record<string, (parent: unknown, args: { input: Record<string, unknown> }, ctx: Ctx, info?: GraphQLResolveInfo) => Promise<unknown>> {
  const missing = [...declarations.keys()].filter((field) => !(field in handlers));
  const undeclared = Object.keys(handlers).filter((field) => !declarations.has(field));
  if (missing.length || undeclared.length) {
    throw new Error(`${system} capabilities: no handler for [${missing.join(', ')}]; no @capability for [${undeclared.join(', ')}]`);
  }
  return Object.fromEntries(
    [...declarations.values()].map((declaration) => {
      const handler = handlers[declaration.field] as unknown as CapabilityHandler<
        Ports,
        Ctx,
        Record<string, unknown>,
        EffectResult,
        unknown
      >;
      return [
        declaration.field,
        async (_: unknown, args: { input: Record<string, unknown> }, ctx: Ctx, info?: GraphQLResolveInfo) => {
          // Checked again where the data is (the gateway checks first): nothing over its declared length is stored.
          const field = info?.parentType.getFields()[info.fieldName];
          const violation = field ? overLength(lengths, info.parentType.name, field, args) : null;
          if (violation) throw lengthRefusal(violation, `Mutation.${declaration.field}`, { wholeRequest: false });
          // docs/observability.md#traces: one span per capability call, child of the subgraph request's span.
          // Its peer calls are the span's children: they forward its traceparent.
          return inChildSpan(
            'tessera.capability',
            ctx.request.traceparent,
            { 'tessera.capability': declaration.name, 'tessera.capability.version': declaration.version },
            (traceparent) =>
              call(
                declaration,
                handler,
                args.input,
                traceparent === ctx.request.traceparent ? ctx : { ...ctx, peers: ctx.peers.within(traceparent) },
              ),
          );
        },
      ];
    }),
  );
}

async function call<Ports, Ctx extends CapabilityContext<Ports>>(
  declaration: CapabilityDeclaration,
  handler: CapabilityHandler<Ports, Ctx, Record<string, unknown>, EffectResult, unknown>,
  rawInput: Record<string, unknown>,
  ctx: Ctx,
): Promise<unknown> {
  const principal = ctx.request.principal;
  if (!principal) throw tesseraError('UNAUTHENTICATED', `${declaration.field} needs an authenticated caller.`);
  if (handler.systemOnly && !isSystemPrincipal(principal)) {
    throw tesseraError('FORBIDDEN', `${declaration.field} is a step only Tessera's systems call.`);
  }
  const { idempotencyKey: fromInput, ...input } = rawInput;
  const idempotencyKey = keyOf(fromInput, ctx.request.idempotencyKey);
  const prepareArgs: PrepareArgs<Ctx, Record<string, unknown>> = { input, ctx, principal, declaration };
  const prepared =
    handler.prepare && !(await holdsAnswer(ctx, declaration, principal, idempotencyKey))
      ? await settle(handler.prepare(prepareArgs))
      : null;
  const { result, replayed } = await runCapability<Ports, EffectResult>(
    ctx.ledger,
    ctx.adapter,
    {
      capability: declaration.name,
      version: declaration.version,
      financial: declaration.financial,
      idempotencyKey,
      principal,
      requestId: ctx.request.requestId,
      correlationId: ctx.request.correlationId,
      traceparent: ctx.request.traceparent,
      input,
      now: ctx.clock,
      scope: ctx.scope,
    },
    async (ports, emit) => {
      // Rare: the answer the key held was purged in between; read the facts now.
      const facts = prepared ?? (handler.prepare ? await settle(handler.prepare(prepareArgs)) : { facts: undefined });
      if ('rejection' in facts) throw facts.rejection;
      const inTransaction = { ...ctx, peers: { read: readInTransaction, step: ctx.peers.step } };
      return {
        ok: true,
        value: await handler.effect({
          input,
          facts: facts.facts,
          ports,
          emit,
          ctx: inTransaction,
          principal,
          idempotencyKey,
          declaration,
          now: ctx.clock(),
        }),
      };
    },
  );
  if (!replayed && result.ok) ctx.eventsCommitted?.(declaration.name);
  ctx.request.logger.info(
    { capability: declaration.name, version: declaration.version, replayed, outcome: result.ok ? 'ok' : result.error.code },
    'capability call',
  );
  if (handler.payload) return handler.payload(result, replayed);
  return result.ok ? { userErrors: [], warnings: [], ...result.value, replayed } : { userErrors: [result.error], warnings: [], replayed };
}

function readInTransaction(): never {
  throw new Error('A capability effect may not read another system inside its transaction: read it in prepare().');
}

/** Whether the key already holds a completed answer (then the call is a replay: no facts needed). */
async function holdsAnswer<Ports>(
  ctx: CapabilityContext<Ports>,
  declaration: CapabilityDeclaration,
  principal: Principal,
  key: string,
): Promise<boolean> {
  const record = await findIdempotencyRecord(ctx.ledgerReads, idempotencyKeyColumns(principal, declaration.name, key));
  return record?.status === 'COMPLETED';
}

/** A prepare's facts, or the business rejection it threw (stored by the effect); other errors propagate. */
async function settle(facts: Promise<unknown>): Promise<{ facts: unknown } | { rejection: CapabilityRejected }> {
  try {
    return { facts: await facts };
  } catch (error) {
    if (error instanceof CapabilityRejected) return { rejection: error };
    throw error;
  }
}

function keyOf(fromInput: unknown, fromHeader: string | null): string {
  const inputKey = typeof fromInput === 'string' && fromInput !== '' ? fromInput : null;
  if (inputKey !== null && !isValidIdempotencyKey(inputKey)) {
    throw badUserInput('idempotencyKey must be 1 to 255 visible ASCII characters (a UUID or ULID).', 'idempotencyKey');
  }
  if (inputKey !== null && fromHeader !== null && inputKey !== fromHeader) {
    throw badUserInput(
      'The Idempotency-Key header and input.idempotencyKey differ; send one, or the same value in both.',
      'idempotencyKey',
    );
  }
  const key = inputKey ?? fromHeader;
  if (key === null) {
    throw tesseraError(
      'IDEMPOTENCY_KEY_REQUIRED',
      'Every mutation needs an idempotency key: set input.idempotencyKey, or the Idempotency-Key header.',
    );
  }
  return key;
}
