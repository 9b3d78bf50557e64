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
import type { Kysely, Transaction } from 'kysely';
import type { SubgraphName } from '../../../gateway/config.ts';
import { badUserInput, tesseraError } from '../../../gateway/errors.ts';
import { isValidIdempotencyKey } from '../../../gateway/http/idempotencyKey.ts';
import type { Principal } from '../../../policies/principal.ts';
import type { RecordScope } from '../../../policies/recordScope.ts';
import { capabilitiesOf, type CapabilityDeclaration } from '../../../schema/capabilities.ts';
import { parseSubgraphSdl } from '../../../schema/subgraphSdl.ts';
import type { RequestScope } from '../subgraphServer.ts';
import { isSystemPrincipal, type Peers } from './peers.ts';
import { runCapability } from './runCapability.ts';
import type { CapabilityTables } from './tables.ts';
import type { CapabilityOutcome, CapabilityRejection, DomainEventDraft } from './types.ts';

/** What a capability sees of the request (a subset of every system's context). */
export interface CapabilityContext<DB> {
  readonly db: Kysely<DB & CapabilityTables>;
  readonly scope: RecordScope;
  readonly request: RequestScope;
  readonly peers: Peers;
}

export interface EffectArgs<DB, Ctx, Input> {
  /** The input without its idempotency key. */
  readonly input: Input;
  readonly trx: Transaction<DB & CapabilityTables>;
  readonly emit: (event: DomainEventDraft) => void;
  readonly ctx: Ctx;
  readonly principal: Principal;
  readonly idempotencyKey: string;
  readonly declaration: CapabilityDeclaration;
  /** The call's clock reading: every timestamp the effect writes. */
  readonly now: Date;
}

/** What an effect gives back: the payload fields, and warnings (ALREADY_IN_STATE) if any. */
export type EffectResult = Readonly<Record<string, unknown>> & { readonly warnings?: readonly CapabilityRejection[] };

export interface CapabilityHandler<DB, Ctx, Input = Record<string, unknown>, Result extends EffectResult = EffectResult> {
  // Method syntax on purpose: a map of handlers with different inputs and results must type-check as one.
  /** Runs inside the capability's transaction; throws `rejected(...)` for a business-rule failure. */
  effect(args: EffectArgs<DB, Ctx, Input>): Promise<Result>;
  /** The GraphQL payload of the stored outcome. Default: the result's fields, `userErrors`, `warnings`, `replayed`. */
  payload?(outcome: CapabilityOutcome<Result>, replayed: boolean): unknown;
  /** A step other systems hand over: only system principals may call it (the field is `@inaccessible`). */
  readonly systemOnly?: boolean;
}

type Handlers<DB, Ctx> = Readonly<Record<string, CapabilityHandler<DB, Ctx, never, EffectResult>>>;

/**
 * The Mutation resolvers of `system`. Throws at start when a declared capability has no handler
 * or a handler has no declaration: the schema and the code cannot disagree.
 */
export function capabilityResolvers<DB, Ctx extends CapabilityContext<DB>>(
  system: SubgraphName,
  handlers: Handlers<DB, Ctx>,
  declarations: ReadonlyMap<string, CapabilityDeclaration> = capabilitiesOf(parseSubgraphSdl(system)),
): Record<string, (parent: unknown, args: { input: Record<string, unknown> }, ctx: Ctx) => Promise<unknown>> {
  const missing = [...declarations.keys()].filter((field) => !(field in handlers));
  const undeclared = Object.keys(handlers).filter((field) => !declarations.has(field));
  if (missing.length || undeclared.length) {
    throw new Error(`${system} capabilities: no handler for [${missing.join(', ')}]; no @capability for [${undeclared.join(', ')}]`);
  }
  return Object.fromEntries(
    [...declarations.values()].map((declaration) => {
      const handler = handlers[declaration.field] as unknown as CapabilityHandler<DB, Ctx, Record<string, unknown>, EffectResult>;
      return [declaration.field, (_: unknown, args: { input: Record<string, unknown> }, ctx: Ctx) => call(declaration, handler, args.input, ctx)];
    }),
  );
}

async function call<DB, Ctx extends CapabilityContext<DB>>(
  declaration: CapabilityDeclaration,
  handler: CapabilityHandler<DB, Ctx, Record<string, unknown>, EffectResult>,
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
  const { result, replayed } = await runCapability<DB, EffectResult>(
    ctx.db,
    {
      capability: declaration.name,
      version: declaration.version,
      financial: declaration.financial,
      idempotencyKey,
      principal,
      requestId: ctx.request.requestId,
      input,
    },
    async (trx, emit) => ({
      ok: true,
      value: await handler.effect({ input, trx, emit, ctx, principal, idempotencyKey, declaration, now: new Date() }),
    }),
  );
  ctx.request.logger.info(
    { capability: declaration.name, version: declaration.version, replayed, outcome: result.ok ? 'ok' : result.error.code },
    'capability call',
  );
  if (handler.payload) return handler.payload(result, replayed);
  return result.ok
    ? { userErrors: [], warnings: [], ...result.value, replayed }
    : { userErrors: [result.error], warnings: [], replayed };
}

function keyOf(fromInput: unknown, fromHeader: string | null): string {
  const inputKey = typeof fromInput === 'string' && fromInput !== '' ? fromInput : null;
  if (inputKey !== null && !isValidIdempotencyKey(inputKey)) {
    throw badUserInput('idempotencyKey must be 1 to 255 visible ASCII characters (a UUID or ULID).', 'idempotencyKey');
  }
  if (inputKey !== null && fromHeader !== null && inputKey !== fromHeader) {
    throw badUserInput('The Idempotency-Key header and input.idempotencyKey differ; send one, or the same value in both.', 'idempotencyKey');
  }
  const key = inputKey ?? fromHeader;
  if (key === null) {
    throw tesseraError('IDEMPOTENCY_KEY_REQUIRED', 'Every mutation needs an idempotency key: set input.idempotencyKey, or the Idempotency-Key header.');
  }
  return key;
}
