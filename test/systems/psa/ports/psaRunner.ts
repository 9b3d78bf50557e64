/**
 * Runs PSA capabilities straight through the kernel runner on one adapter (no gateway, no
 * subgraph): the effect gets the adapter's ports, the facts other systems would give it are
 * supplied by the test, and the clock moves a second per call.
 */
import type { Principal } from '../../../../auth/principal.ts';
import type { CapabilityDeclaration } from '../../../../schema/capabilities.ts';
import type { CapabilityHandler, EffectResult } from '../../../../systems/kernel/capability/capabilityResolvers.ts';
import { runCapability } from '../../../../systems/kernel/capability/runCapability.ts';
import type { CapabilityResult } from '../../../../systems/kernel/capability/types.ts';
import { psaCapabilities } from '../../../../systems/psa/capabilities/index.ts';
import type { PsaContext } from '../../../../systems/psa/context.ts';
import type { PsaPorts } from '../../../../systems/psa/ports/ports.ts';
import type { PsaSystem } from './openPsa.ts';

export type CapabilityField = keyof typeof psaCapabilities;

export interface RunOptions {
  readonly principal: Principal;
  readonly key: string;
  readonly facts?: unknown;
}

export function psaRunner(system: PsaSystem, start: Date) {
  let clock = start;
  let calls = 0;
  const run = (field: CapabilityField, input: Record<string, unknown>, options: RunOptions): Promise<CapabilityResult<EffectResult>> => {
    clock = new Date(clock.getTime() + 1_000);
    const now = clock;
    const handler = psaCapabilities[field] as unknown as CapabilityHandler<
      PsaPorts,
      PsaContext,
      Record<string, unknown>,
      EffectResult,
      unknown
    >;
    const declaration: CapabilityDeclaration = {
      field,
      name: `psa.${field}`,
      version: 1,
      financial: false,
      deprecatedAt: null,
      sunsetAt: null,
      successor: null,
    };
    return runCapability(
      system.ledger,
      system.capabilities,
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
          ctx: {} as PsaContext,
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
