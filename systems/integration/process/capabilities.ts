/** The saga engine's operations (docs/processes.md#retry): capabilities of the integration system. */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import type { IntegrationContext } from '../context.ts';
import type { IntegrationPorts } from '../ports/ports.ts';

type Handler<Input> = CapabilityHandler<IntegrationPorts, IntegrationContext, Input>;

const retryProcess: Handler<{ processId: string }> = {
  async effect({ input, ports, now }) {
    const { process, changed } = await ports.write.process.retry(input.processId, now);
    const warnings = changed
      ? []
      : [{ code: 'ALREADY_IN_STATE', message: `Process ${process.id} is ${process.status}: it is not stopped, nothing to retry.` }];
    return { process, warnings };
  },
};

export const processCapabilities = { retryProcess };
