/**
 * Runs CRM capabilities straight through the kernel runner on one adapter (no gateway, no
 * subgraph): the effect gets the adapter's ports, the facts other systems would give it are
 * supplied by the test, and the clock moves a second per call.
 */
import type { Principal } from '../../../../auth/principal.ts';
import type { CapabilityDeclaration } from '../../../../schema/capabilities.ts';
import { crmCapabilities } from '../../../../systems/crm/capabilities/index.ts';
import type { CrmContext } from '../../../../systems/crm/context.ts';
import type { CrmPorts } from '../../../../systems/crm/ports/ports.ts';
import type { CrmReadPort } from '../../../../systems/crm/ports/readPort.ts';
import type { CapabilityHandler, EffectResult } from '../../../../systems/kernel/capability/capabilityResolvers.ts';
import { runCapability } from '../../../../systems/kernel/capability/runCapability.ts';
import type { CapabilityResult } from '../../../../systems/kernel/capability/types.ts';
import type { SystemOfRecord } from '../../../../systems/kernel/systemOfRecord.ts';

export type CapabilityField = keyof typeof crmCapabilities;

export interface RunOptions {
  readonly principal: Principal;
  readonly key: string;
  readonly facts?: unknown;
}

export function crmRunner(system: SystemOfRecord<CrmReadPort, CrmPorts>, start: Date) {
  let clock = start;
  let calls = 0;
  const run = (field: CapabilityField, input: Record<string, unknown>, options: RunOptions): Promise<CapabilityResult<EffectResult>> => {
    clock = new Date(clock.getTime() + 1_000);
    const now = clock;
    const handler = crmCapabilities[field] as unknown as CapabilityHandler<
      CrmPorts,
      CrmContext,
      Record<string, unknown>,
      EffectResult,
      unknown
    >;
    const declaration: CapabilityDeclaration = {
      field,
      name: `crm.${field}`,
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
          ctx: {} as CrmContext,
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
