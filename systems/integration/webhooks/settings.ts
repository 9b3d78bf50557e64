/**
 * The webhooks' deployment settings (docs/processes.md#webhooks), from what every system is bound
 * with: the sealing key from the internal secret, the target rules from the environment (a
 * transport that does not say is read as production: the strict rules).
 */
import type { PeerTransport } from '../../kernel/capability/peers.ts';
import { WebhookSecretKey } from './secretBox.ts';
import type { WebhookSettings } from './webhookPorts.ts';

export function webhookSettingsOf(transport: Pick<PeerTransport, 'internalSecret' | 'environment'>): WebhookSettings {
  return { environment: transport.environment ?? 'production', key: new WebhookSecretKey(transport.internalSecret) };
}
