/**
 * Runs a system's capabilities straight through the kernel runner on one adapter (no gateway, no
 * subgraph): the effect gets the adapter's ports, the facts other systems would give it are
 * supplied by the test, and the clock moves a second per call.
 */
import type { Principal } from '../../auth/principal.ts';
import type { CapabilityDeclaration } from '../../schema/capabilities.ts';
import type { CapabilityHandler, EffectResult } from '../../systems/kernel/capability/capabilityResolvers.ts';
import { runCapability } from '../../systems/kernel/capability/runCapability.ts';
import type { CapabilityResult } from '../../systems/kernel/capability/types.ts';
import type { SystemOfRecord } from '../../systems/kernel/systemOfRecord.ts';

export interface RunOptions {
  readonly principal: Principal;
  readonly key: string;
  readonly facts?: unknown;
}

export type PortRunner<Handlers> = ReturnType<typeof portRunner<unknown, Handlers>>;

/** The runner of `system`'s capability `handlers` on `adapter`, its clock starting at `start`. */
export function portRunner<Ports, Handlers>(system: string, handlers: Handlers, adapter: SystemOfRecord<unknown, Ports>, start: Date) {
  let clock = start;
  let calls = 0;
  const run = (
    field: keyof Handlers & string,
    input: Record<string, unknown>,
    options: RunOptions,
  ): Promise<CapabilityResult<EffectResult>> => {
    clock = new Date(clock.getTime() + 1_000);
    const now = clock;
    const handler = handlers[field] as unknown as CapabilityHandler<Ports, unknown, Record<string, unknown>, EffectResult, unknown>;
    const declaration: CapabilityDeclaration = {
      field,
      name: `${system}.${field}`,
      version: 1,
      financial: false,
      deprecatedAt: null,
      sunsetAt: null,
      successor: null,
    };
    return runCapability(
      adapter.ledger,
      adapter.capabilities,
      {
        capability: declaration.name,
        version: 1,
        financial: false,
        idempotencyKey: options.key,
        principal: options.principal,
        requestId: `req-${++calls}`,
        input,
        now: () => now,
        leaseMs: 30_000,
      },
      async (ports, emit) => ({
        ok: true,
        value: await handler.effect({
          input,
          facts: options.facts,
          ports,
          emit,
          ctx: {},
          principal: options.principal,
          idempotencyKey: options.key,
          declaration,
          now,
        }),
      }),
    );
  };
  return {
    run,
    /** Moves the clock (a lease running out). */
    advance: (ms: number) => {
      clock = new Date(clock.getTime() + ms);
    },
  };
}

/** The value of a capability call that succeeded; a rejection fails the test with its error. */
export async function valueOf<T = EffectResult>(promise: Promise<CapabilityResult<EffectResult>>): Promise<T> {
  const { result } = await promise;
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

/** The catalog code a call failed with (null: it succeeded). */
export function codeOf(promise: Promise<unknown>): Promise<string | null | undefined> {
  return promise.then(
    () => null,
    (error: { extensions?: { code?: string } }) => error.extensions?.code,
  );
}
