/**
 * `cancelResourceRequest` (docs/state-machines.md#resource-request, docs/capabilities.md#cancelresourcerequest):
 * a DRAFT, OPEN or HELD request is withdrawn (CANCELLED), never deleted; a FILLED one has a booking
 * and is refused. Cancelling a CANCELLED request again answers ALREADY_IN_STATE. The
 * opportunity-to-project process calls it to compensate the resource requests it made
 * (docs/processes.md#compensation).
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { checkVersion, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition } from '../../kernel/capability/stateMachine.ts';
import type { PsaContext } from '../context.ts';
import { resourceRequestMachine, type ResourceRequestStatus } from '../machines.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { ResourceRequest } from '../ports/types.ts';
import { resourceRequestFor } from './records.ts';

interface CancelRequestInput {
  readonly resourceRequestId: string;
  readonly expectedVersion: number;
  readonly reason: string;
}

export const cancelResourceRequest: CapabilityHandler<PsaPorts, PsaContext, CancelRequestInput, { resourceRequest: ResourceRequest }> = {
  async effect({ input, ports, emit }) {
    const { record: row, project } = await resourceRequestFor(ports.read, input.resourceRequestId);
    checkVersion('ResourceRequest', row.aggregateVersion, input.expectedVersion, { required: true });
    const reason = input.reason.trim();
    if (!reason) throw rejected('PRECONDITION_FAILED', 'A cancellation says why.', 'reason');
    const from = row.status as ResourceRequestStatus;
    const warning = guardTransition('ResourceRequest', resourceRequestMachine, from, 'CANCELLED', 'cancelResourceRequest');
    if (warning) return { resourceRequest: row, warnings: [warning] };
    const resourceRequest = await ports.write.cancelResourceRequest(row);
    emit(
      aggregateEvent('ResourceRequestCancelled', 'ResourceRequest', resourceRequest, project.legalEntityId, {
        resourceRequestId: resourceRequest.id,
        projectId: resourceRequest.projectId,
        from,
        status: resourceRequest.status,
        reason,
      }),
    );
    return { resourceRequest };
  },
};
