/**
 * Peers for work no request carries (a saga's event, a billing run advanced by its driver, the
 * schedules, webhook account look-ups, the cash import): reads and steps both signed as
 * `system:integration` (scope `tessera:system`, every legal entity), with a fresh short-lived
 * signature per call, so work that lasts longer than a token still reads. `trace` carries an
 * event's correlation id and trace on to the calls it causes.
 */
import { signInternalPrincipal } from '../../auth/internalPrincipal.ts';
import { createPeers, systemPrincipal, type PeerRequest, type PeerTransport, type Peers } from '../kernel/capability/peers.ts';

export function integrationSystemPeers(
  transport: PeerTransport,
  requestId: () => string,
  trace: Pick<PeerRequest, 'correlationId' | 'traceparent'> = {},
): Peers {
  const peers = () => {
    const id = requestId();
    const principalToken = signInternalPrincipal(systemPrincipal('integration'), transport.internalSecret, { requestId: id });
    return createPeers(transport, 'integration', { ...trace, requestId: id, principalToken });
  };
  return {
    read: (system, query, variables) => peers().read(system, query, variables),
    step: (system, query, variables) => peers().step(system, query, variables),
    within: (traceparent) => integrationSystemPeers(transport, requestId, { ...trace, traceparent }),
  };
}
