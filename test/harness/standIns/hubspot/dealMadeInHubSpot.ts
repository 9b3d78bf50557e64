/**
 * A deal a person creates in HubSpot's own UI, on the portal's first company: no `tessera_id`, and
 * what the canonical model requires filled in (docs/connectors.md#adopting-vendor-records), which
 * `properties` change or empty.
 */
import type { Portal } from './portal.ts';

export function dealMadeInHubSpot(portal: Portal, properties: Readonly<Record<string, string>> = {}): string {
  const deal = portal.create('deals', {
    dealname: 'Renewal',
    pipeline: 'default',
    dealstage: 'appointmentscheduled',
    amount: '25000',
    deal_currency_code: 'EUR',
    closedate: '2026-09-30T00:00:00.000Z',
    tessera_legal_entity_id: 'le_UK01',
    ...properties,
  });
  portal.associate('deals', deal.id, 'companies', portal.all('companies')[0]!.id);
  return deal.id;
}
