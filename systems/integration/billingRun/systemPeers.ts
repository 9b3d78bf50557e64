/**
 * Peers for work no request carries (a billing run advanced by its driver, the schedule): reads
 * and steps both signed as `system:integration` (scope `tessera:system`, every legal entity),
 * with a fresh short-lived signature per call, so a run that lasts longer than a token still reads.
 */
import { signInternalPrincipal } from '../../../auth/internalPrincipal.ts';
import { createPeers, systemPrincipal, type PeerTransport, type Peers } from '../../kernel/capability/peers.ts';

export function integrationSystemPeers(transport: PeerTransport, requestId: () => string): Peers {
  const peers = () => {
    const id = requestId();
    const principalToken = signInternalPrincipal(systemPrincipal('integration'), transport.internalSecret, { requestId: id });
    return createPeers(transport, 'integration', { requestId: id, principalToken });
  };
  return {
    read: (system, query, variables) => peers().read(system, query, variables),
    step: (system, query, variables) => peers().step(system, query, variables),
  };
}
