/**
 * HubSpot's webhooks served by a running Tessera (docs/connectors.md#webhooks): with the CRM on a
 * HubSpot portal, the embedded mode answers `POST /webhooks/hubspot` on the gateway's HTTP server.
 * Over real HTTP: a delivery without a signature, or signed over 5 minutes ago, is 401 and polls
 * nothing; a signed one wakes the deal change capture before it is answered, so the deal a
 * salesperson won in HubSpot is an OpportunityWon in the CRM's outbox when the 200 arrives. The CRM
 * service of the distributed mode (`tessera serve crm`) answers the same path beside its `/graphql`.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type TesseraConfig } from '../../core/config/config.ts';
import { readHubSpotConfig } from '../../core/config/hubspot.ts';
import { createLogger } from '../../core/logger.ts';
import { startSystemService } from '../../runtime/systemService.ts';
import { tempSqliteStore } from '../harness/tempDatabase.ts';
import { MAX_DELIVERY_BYTES } from '../../systems/crm/adapters/hubspot/webhookEndpoint.ts';
import { signHubSpotRequest } from '../../systems/crm/adapters/hubspot/webhookSignature.ts';
import { loadIntoHubSpot } from '../harness/standIns/hubspot/hubspotCrm.ts';
import { hubspotEnvOf } from '../harness/standIns/hubspot/hubspotEnv.ts';
import { startHubSpotStandIn, type HubSpotStandIn } from '../harness/standIns/hubspot/server.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import { crmData } from '../systems/crm/ports/crmData.ts';

const SECRET = 'client-secret-of-the-app';
const DEAL = crmData().opportunities.find((opportunity) => opportunity.stage === 'PROSPECTING')!;

let standIn: HubSpotStandIn;
let tessera: TestTessera;
let webhookUrl: string;
let crm: TesseraConfig['crm'];

beforeAll(async () => {
  standIn = await startHubSpotStandIn({ token: 'pat-na1-hook' });
  loadIntoHubSpot(standIn, crmData());
  // Only the webhook polls during the test: the interval's first round sets the baseline, the next is an hour away.
  const hubspot = readHubSpotConfig(
    { ...hubspotEnvOf(standIn, 'pat-na1-hook'), TESSERA_HUBSPOT_WEBHOOK_SECRET: SECRET },
    false,
    process.cwd(),
  );
  crm = { system: 'hubspot', salesforce: undefined, hubspot };
  tessera = await startTestTessera({ scale: 's', config: { crm } });
  webhookUrl = tessera.url.replace(/\/graphql$/, '/webhooks/hubspot');
});
afterAll(async () => {
  await tessera?.stop();
  await standIn?.close();
});

const delivery = (eventId: number, objectId: string, dealstage: string) =>
  JSON.stringify([
    {
      eventId,
      subscriptionId: 42,
      portalId: 62515,
      appId: 7,
      occurredAt: Date.now(),
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId: Number(objectId),
      propertyName: 'dealstage',
      propertyValue: dealstage,
      changeSource: 'CRM_UI',
    },
  ]);

async function send(body: string, signing: { timestamp?: number; signed?: boolean; url?: string } = {}) {
  const url = signing.url ?? webhookUrl;
  const timestamp = signing.timestamp ?? Date.now();
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-hubspot-request-timestamp': String(timestamp) };
  if (signing.signed !== false) headers['x-hubspot-signature-v3'] = signHubSpotRequest(SECRET, 'POST', url, body, timestamp);
  const response = await fetch(url, { method: 'POST', body, headers });
  return { status: response.status, body: (await response.json()) as unknown };
}

async function eventsOf(aggregateId: string) {
  const crm = tessera.tessera.systems.crm!.db as unknown as Kysely<{
    outbox_events: { type: string; aggregate_id: string; aggregate_version: number; payload_json: string };
  }>;
  const rows = await crm
    .selectFrom('outbox_events')
    .select(['type', 'aggregate_version', 'payload_json'])
    .where('aggregate_id', '=', aggregateId)
    .execute();
  return rows.map((row) => ({ type: row.type, version: row.aggregate_version, payload: JSON.parse(row.payload_json) as unknown }));
}

describe('HubSpot webhooks on the embedded gateway', () => {
  it('a signed delivery polls at once; an unsigned, stale or oversized one polls nothing', async () => {
    const deal = standIn.portal.find('deals', 'tessera_id', DEAL.id)!;
    // A signed delivery with nothing moved: answered once the capture (after its baseline) has polled, no event.
    expect(await send(delivery(1, deal.id, 'appointmentscheduled'))).toEqual({ status: 200, body: { received: 1, handled: 1 } });
    expect(await eventsOf(DEAL.id)).toEqual([]);

    const won = deal.properties.pipeline === 'default' ? 'closedwon' : '1187266';
    standIn.portal.update('deals', deal, { dealstage: won });
    expect(await send(delivery(2, deal.id, won), { signed: false })).toEqual({
      status: 401,
      body: { message: 'signature refused: missing' },
    });
    expect(await send(delivery(3, deal.id, won), { timestamp: Date.now() - 5 * 60_000 - 1_000 })).toEqual({
      status: 401,
      body: { message: 'signature refused: stale' },
    });
    const oversized = await fetch(webhookUrl, { method: 'POST', body: 'x'.repeat(MAX_DELIVERY_BYTES + 1) });
    expect({ status: oversized.status, body: (await oversized.json()) as unknown }).toEqual({
      status: 413,
      body: { message: `a delivery is at most ${MAX_DELIVERY_BYTES} bytes` },
    });
    expect(await eventsOf(DEAL.id)).toEqual([]);

    expect(await send(delivery(4, deal.id, won))).toEqual({ status: 200, body: { received: 1, handled: 1 } });
    const read = await tessera.query('query ($id: ID!) { opportunity(id: $id) { stage aggregateVersion amount { amount currency } } }', {
      id: DEAL.id,
    });
    expect(read.errors).toBeUndefined();
    const opportunity = (read.data as { opportunity: { stage: string; aggregateVersion: number; amount: unknown } }).opportunity;
    expect(opportunity).toMatchObject({ stage: 'CLOSED_WON', aggregateVersion: 2 });
    expect(await eventsOf(DEAL.id)).toEqual([
      {
        type: 'OpportunityWon',
        version: 2,
        payload: { opportunityId: DEAL.id, stage: 'CLOSED_WON', accountId: DEAL.accountId, amount: opportunity.amount },
      },
    ]);
  });
});

describe('HubSpot webhooks on the CRM service (tessera serve crm)', () => {
  it('answers /webhooks/hubspot beside /graphql: 401 unsigned, 200 signed with the deal adopted in HubSpot by the poll', async () => {
    const temp = tempSqliteStore();
    const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-hook-keys-'));
    const config = { ...loadConfig({ TESSERA_DATA_DIR: keyDir }), host: '127.0.0.1', store: temp.store, crm };
    const service = await startSystemService('crm', { config, logger: createLogger('silent') });
    try {
      const url = `http://127.0.0.1:${await service.listen(0)}/webhooks/hubspot`;
      const other = crmData().opportunities.find((opportunity) => opportunity.stage === 'PROSPECTING' && opportunity.id !== DEAL.id)!;
      const deal = standIn.portal.find('deals', 'tessera_id', other.id)!;
      const qualified = deal.properties.pipeline === 'default' ? 'qualifiedtobuy' : '1187263';
      // Settles the capture's baseline: nothing moved, nothing adopted.
      expect(await send(delivery(11, deal.id, deal.properties.dealstage!), { url })).toEqual({
        status: 200,
        body: { received: 1, handled: 1 },
      });
      const version = deal.properties.tessera_version;
      standIn.portal.update('deals', deal, { dealstage: qualified });
      expect(await send(delivery(12, deal.id, qualified), { url, signed: false })).toEqual({
        status: 401,
        body: { message: 'signature refused: missing' },
      });
      expect(standIn.portal.find('deals', 'tessera_id', deal.properties.tessera_id!)!.properties).toMatchObject({
        tessera_version: version,
      });
      expect(await send(delivery(13, deal.id, qualified), { url })).toEqual({ status: 200, body: { received: 1, handled: 1 } });
      expect(standIn.portal.find('deals', 'tessera_id', deal.properties.tessera_id!)!.properties).toMatchObject({
        tessera_version: String(Number(version) + 1),
        tessera_stage: 'QUALIFIED',
        tessera_changed_by: 'hubspot-change-capture',
      });
    } finally {
      await service.stop();
      await temp.remove();
      fs.rmSync(keyDir, { recursive: true, force: true });
    }
  });
});
