/**
 * HubSpot change capture into the CRM ledger's outbox: `hs_lastmodifieddate` polling through the
 * connector kernel's poller, and signed webhooks that wake it (docs/connectors.md#hubspot). A deal
 * moved in HubSpot becomes one canonical event at a new version; Tessera's own writes, the poll's
 * overlap and a replayed delivery give none; a bad or stale signature is refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crmCapabilities } from '../../../../../systems/crm/capabilities/index.ts';
import { adoptedDealId } from '../../../../../systems/crm/adapters/hubspot/dealAdoption.ts';
import { dealChanges } from '../../../../../systems/crm/adapters/hubspot/dealChanges.ts';
import { hubspotWebhookEndpoint, hubspotWebhookListener } from '../../../../../systems/crm/adapters/hubspot/webhookEndpoint.ts';
import { signHubSpotRequest } from '../../../../../systems/crm/adapters/hubspot/webhookSignature.ts';
import type { Opportunity } from '../../../../../systems/crm/ports/types.ts';
import type { CapabilityTables } from '../../../../../systems/kernel/capability/tables.ts';
import { pollOnce, type ChangeLedger } from '../../../../../systems/kernel/connectors/changeCapture.ts';
import { openLedger } from '../../../../../systems/kernel/systemOfRecord.ts';
import { portRunner, valueOf } from '../../../../harness/portRunner.ts';
import { dealMadeInHubSpot } from '../../../../harness/standIns/hubspot/dealMadeInHubSpot.ts';
import { hubspotCrmOn, loadIntoHubSpot } from '../../../../harness/standIns/hubspot/hubspotCrm.ts';
import { startHubSpotStandIn, type HubSpotStandIn } from '../../../../harness/standIns/hubspot/server.ts';
import { ALICE, expectedOpportunity, FIXTURE, T0 } from '../../ports/writeFixture.ts';

const SECRET = 'client-secret-of-the-app';
const DEAL: Opportunity = {
  ...expectedOpportunity('opp_h1'),
  sourceStage: 'appointmentscheduled',
  source: { system: 'hubspot', id: '9001' },
};

describe('HubSpot change capture', () => {
  let clock: number;
  let standIn: HubSpotStandIn;
  let ledger: Kysely<CapabilityTables>;
  let poll: () => Promise<{ events: number }>;
  let crm: ReturnType<typeof hubspotCrmOn>;

  beforeEach(async () => {
    clock = Date.parse('2026-03-02T09:00:00.000Z');
    standIn = await startHubSpotStandIn({ now: () => new Date(clock) });
    loadIntoHubSpot(standIn, { ...FIXTURE, opportunities: [DEAL] });
    ledger = await openLedger('crm');
    crm = hubspotCrmOn(standIn, ledger);
    const stream = dealChanges(crm.portal);
    poll = () => pollOnce(ledger as unknown as ChangeLedger, stream, { now: () => new Date(clock) });
    expect(await poll()).toMatchObject({ changes: 0, events: 0 }); // the baseline
  });
  afterEach(async () => {
    await ledger.destroy();
    await standIn.close();
  });

  const deal = () => standIn.portal.all('deals')[0]!;
  const moveInHubSpot = (dealstage: string) => {
    clock += 1_000;
    standIn.portal.update('deals', deal(), { dealstage });
  };
  const events = async () =>
    (
      await ledger
        .selectFrom('outbox_events')
        .select(['type', 'aggregate_id', 'aggregate_version', 'payload_json'])
        .orderBy('occurred_at')
        .execute()
    ).map((e) => ({ type: e.type, id: e.aggregate_id, version: e.aggregate_version, payload: JSON.parse(e.payload_json) as unknown }));

  it('polling: a stage moved in HubSpot is one event at a new version; the overlap and Tessera’s own writes give none', async () => {
    moveInHubSpot('qualifiedtobuy');
    clock += 1_000;
    expect(await poll()).toMatchObject({ changes: 1, events: 1 });
    expect(await events()).toEqual([
      {
        type: 'OpportunityStageChanged',
        id: 'opp_h1',
        version: 2,
        payload: { opportunityId: 'opp_h1', stage: 'QUALIFIED', from: 'PROSPECTING', to: 'QUALIFIED' },
      },
    ]);
    expect(deal().properties).toMatchObject({
      tessera_version: '2',
      tessera_stage: 'QUALIFIED',
      tessera_changed_by: 'hubspot-change-capture',
    });
    clock += 1_000;
    expect(await poll()).toMatchObject({ events: 0 });

    // A capability holding the version before the HubSpot move is refused; one at the new version moves it, and the poll adds nothing.
    const runner = portRunner('crm', crmCapabilities, crm.adapter, T0);
    const stale = await runner.run(
      'updateOpportunityStage',
      { opportunityId: 'opp_h1', expectedVersion: 1, stage: 'PROPOSAL' },
      { principal: ALICE, key: 's1' },
    );
    expect(stale.result).toMatchObject({ ok: false, error: { code: 'VERSION_CONFLICT' } });
    await valueOf(
      runner.run(
        'updateOpportunityStage',
        { opportunityId: 'opp_h1', expectedVersion: 2, stage: 'PROPOSAL' },
        { principal: ALICE, key: 's2' },
      ),
    );
    clock += 1_000;
    expect(await poll()).toMatchObject({ events: 0 });
    expect((await events()).map((e) => `${e.type}@${e.version}`)).toEqual(['OpportunityStageChanged@2', 'OpportunityStageChanged@3']);
    expect(deal().properties.dealstage).toBe('presentationscheduled');
  });

  describe('webhooks (v3 signature)', () => {
    let server: Server;
    let url: string;
    let polls: number;
    beforeEach(async () => {
      polls = 0;
      const handle = hubspotWebhookEndpoint({
        clientSecret: () => SECRET,
        onDealChanged: async () => {
          polls += 1;
          await poll();
        },
        now: () => clock,
      });
      server = createServer((request, response) => hubspotWebhookListener(handle, url)(request, response));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hubspot/webhooks`;
    });
    afterEach(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const delivery = (eventId: number) =>
      JSON.stringify([
        {
          eventId,
          subscriptionId: 42,
          portalId: 62515,
          appId: 7,
          occurredAt: clock,
          subscriptionType: 'deal.propertyChange',
          attemptNumber: 0,
          objectId: 9001,
          propertyName: 'dealstage',
          propertyValue: 'closedwon',
          changeSource: 'CRM_UI',
        },
      ]);
    const send = async (body: string, options: { signedBody?: string; timestamp?: number } = {}) => {
      const timestamp = options.timestamp ?? clock;
      const signature = signHubSpotRequest(SECRET, 'POST', url, options.signedBody ?? body, timestamp);
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-hubspot-signature-v3': signature,
          'x-hubspot-request-timestamp': String(timestamp),
        },
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };

    it('a signed delivery wakes the capture: the deal won in HubSpot is one OpportunityWon', async () => {
      moveInHubSpot('closedwon');
      clock += 1_000;
      expect(await send(delivery(1001))).toEqual({ status: 200, body: { received: 1, handled: 1 } });
      expect(await events()).toEqual([
        {
          type: 'OpportunityWon',
          id: 'opp_h1',
          version: 2,
          payload: { opportunityId: 'opp_h1', stage: 'CLOSED_WON', accountId: 'acc_c1', amount: { amount: '150000.00', currency: 'USD' } },
        },
      ]);
    });

    it('a deal.creation delivery for a deal a person created in HubSpot adopts it: one OpportunityCreated', async () => {
      clock += 1_000;
      const created = dealMadeInHubSpot(standIn.portal, { dealstage: 'qualifiedtobuy' });
      clock += 1_000;
      const body = delivery(1004).replace('"deal.propertyChange"', '"deal.creation"').replace('9001', created);
      expect(await send(body)).toEqual({ status: 200, body: { received: 1, handled: 1 } });
      const id = adoptedDealId(created);
      expect(await events()).toEqual([
        {
          type: 'OpportunityCreated',
          id,
          version: 1,
          payload: { opportunityId: id, stage: 'QUALIFIED', accountId: 'acc_c1', amount: { amount: '25000.00', currency: 'EUR' } },
        },
      ]);
      expect(standIn.portal.find('deals', 'tessera_id', id)?.id).toBe(created);
    });

    it('a replay of a delivery within the window is answered and ignored: no second poll, no second event', async () => {
      moveInHubSpot('closedlost');
      clock += 1_000;
      const body = delivery(1002);
      expect(await send(body)).toEqual({ status: 200, body: { received: 1, handled: 1 } });
      clock += 60_000;
      expect(await send(body)).toEqual({ status: 200, body: { received: 1, handled: 0 } });
      expect(polls).toBe(1);
      expect((await events()).map((e) => `${e.type}@${e.version}`)).toEqual(['OpportunityLost@2']);
    });

    it('a tampered body or a stale timestamp is 401 and does nothing', async () => {
      moveInHubSpot('closedwon');
      clock += 1_000;
      const signed = delivery(1003);
      expect(await send(signed.replace('closedwon', 'closedlost'), { signedBody: signed })).toEqual({
        status: 401,
        body: { message: 'signature refused: mismatch' },
      });
      expect(await send(signed, { timestamp: clock - 5 * 60_000 - 1 })).toEqual({
        status: 401,
        body: { message: 'signature refused: stale' },
      });
      expect(polls).toBe(0);
      expect(await events()).toEqual([]);
    });
  });
});
