/**
 * Capability versions at the gateway: a deprecated version answers with Deprecation, Sunset and
 * Link headers and still works; its successor carries none; from the sunset date the deprecated
 * version is refused (410 CAPABILITY_SUNSET) while the successor goes on; calls are counted by
 * capability name and version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, newKey } from '../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

const V1 = `mutation ($input: ActivateContractInput!) { activateContract(input: $input) { contract { id } userErrors { code message field } replayed } }`;
const V2 = `mutation ($input: ActivateContractV2Input!) { activateContractV2(input: $input) {
  ... on ActivateContractSuccess { contract { id } replayed } ... on CapabilityFailure { errors { code message field } replayed } } }`;
const MISSING = { contractId: 'ctr_does_not_exist' };
const NOT_FOUND = { code: 'NOT_FOUND', message: 'Contract "ctr_does_not_exist" was not found.', field: 'contractId' };

describe('capability lifecycle', () => {
  let today: TestTessera;
  let afterSunset: TestTessera;
  beforeAll(async () => {
    [today, afterSunset] = await Promise.all([
      startTestTessera({ scale: 's', now: () => new Date('2027-06-29T23:59:59Z') }),
      startTestTessera({ scale: 's', now: () => new Date('2027-06-30T00:00:00Z') }),
    ]);
  });
  afterAll(async () => {
    await today?.stop();
    await afterSunset?.stop();
  });

  it('answers a deprecated version with Deprecation, Sunset and a link to its successor', async () => {
    const result = await mutate(today, V1, { idempotencyKey: newKey(), ...MISSING });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ data: { activateContract: { contract: null, userErrors: [NOT_FOUND], replayed: false } } });
    expect(result.headers.get('deprecation')).toBe('@1793491200'); // 2026-11-01T00:00:00Z
    expect(result.headers.get('sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
    expect(result.headers.get('link')).toBe('<urn:tessera:capability:Mutation.activateContractV2>; rel="successor-version"');
  });

  it('sends no deprecation headers for the current version', async () => {
    const result = await mutate(today, V2, { idempotencyKey: newKey(), ...MISSING, expectedVersion: 1 });
    expect(result.body).toEqual({ data: { activateContractV2: { errors: [NOT_FOUND], replayed: false } } });
    expect([result.headers.get('deprecation'), result.headers.get('sunset'), result.headers.get('link')]).toEqual([null, null, null]);
  });

  it('refuses the deprecated version from its sunset date, before it runs, and keeps serving the successor', async () => {
    const refused = await mutate(afterSunset, V1, { idempotencyKey: newKey(), ...MISSING });
    expect(refused.status).toBe(410);
    expect(refused.body).toEqual({
      errors: [
        {
          message: 'activateContract (erp.activateContract v1) was retired on 2027-06-30. Use activateContractV2.',
          extensions: { code: 'CAPABILITY_SUNSET', capability: 'erp.activateContract', version: 1, successor: 'activateContractV2' },
        },
      ],
    });
    const current = await mutate(afterSunset, V2, { idempotencyKey: newKey(), ...MISSING, expectedVersion: 1 });
    expect(current.status).toBe(200);
    expect(current.body).toEqual({ data: { activateContractV2: { errors: [NOT_FOUND], replayed: false } } });
  });

  it('refuses the deprecated release capability the same way', async () => {
    const refused = await mutate(afterSunset, `mutation ($input: ReleaseInvoiceInput!) { releaseInvoice(input: $input) { replayed } }`, {
      idempotencyKey: newKey(),
      billingDraftId: 'bd_missing',
      invoiceDate: '2027-06-30',
    });
    expect([refused.status, refused.body.errors?.[0]?.extensions?.code]).toEqual([410, 'CAPABILITY_SUNSET']);
  });

  it('counts calls by capability name and version', async () => {
    const metrics = await (await fetch(new URL('/metrics', afterSunset.url))).text();
    expect(metrics).toContain('tessera_capability_calls_total{capability="erp.activateContract",version="2"} 1');
    // A refused (sunset) call is not a call of the capability.
    expect(metrics).not.toContain('tessera_capability_calls_total{capability="erp.activateContract",version="1"}');
  });
});
