/**
 * `cancelResourceRequest` (docs/state-machines.md#resource-request): an OPEN request is withdrawn
 * (CANCELLED, one version up, `ResourceRequestCancelled` with the reason), never deleted; a second
 * cancellation changes nothing (ALREADY_IN_STATE); a cancellation without a reason is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  CREATE_REQUEST,
  REQUEST_FIELDS,
  accepted,
  call,
  eventsOf,
  newProject,
  pick,
  psaDb,
  seededContracts,
  type Project,
  type ResourceRequest,
} from './psaKit.ts';

const CANCEL_REQUEST = `mutation CancelResourceRequest($input: CancelResourceRequestInput!) {
  cancelResourceRequest(input: $input) { resourceRequest { ${REQUEST_FIELDS} } userErrors { code message field } warnings { code message field } replayed }
}`;

let tessera: TestTessera;
let project: Project;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  const contract = pick(
    await seededContracts(tessera),
    'ACTIVE US01 T&M contract running through May 2027',
    (c) => c.status === 'ACTIVE' && c.legalEntity.id === 'le_US01' && c.startDate <= '2027-03-01' && c.endDate >= '2027-05-28',
  );
  project = await newProject(tessera, contract.id, { startDate: '2027-03-01', endDate: '2027-05-28' });
});
afterAll(() => tessera?.stop());

async function openRequest(): Promise<ResourceRequest> {
  const input = {
    idempotencyKey: newKey(),
    projectId: project.id,
    roleId: 'rol_03',
    startDate: '2027-04-05',
    endDate: '2027-04-16',
    hours: '40',
  };
  return accepted<ResourceRequest>(await call(tessera, CREATE_REQUEST, input), 'resourceRequest');
}

describe('cancelResourceRequest', () => {
  it('cancels an OPEN request: CANCELLED one version up, the row kept, the event with the reason', async () => {
    const request = await openRequest();
    const input = { idempotencyKey: newKey(), resourceRequestId: request.id, expectedVersion: 1, reason: 'Deal withdrawn' };
    const result = await call(tessera, CANCEL_REQUEST, input);
    expect(result.body).toEqual({
      data: {
        cancelResourceRequest: {
          resourceRequest: { ...request, status: 'CANCELLED', aggregateVersion: 2 },
          userErrors: [],
          warnings: [],
          replayed: false,
        },
      },
    });
    expect(await psaDb(tessera).selectFrom('resource_requests').select('status').where('id', '=', request.id).execute()).toEqual([
      { status: 'CANCELLED' },
    ]);
    const events = await eventsOf(tessera, request.id);
    expect(events.map((event) => [event.type, event.aggregateVersion, event.payload])).toEqual([
      ['ResourceRequestCreated', 1, expect.objectContaining({ status: 'OPEN' })],
      ['StaffingNeeded', 1, expect.objectContaining({ resourceRequestId: request.id })],
      [
        'ResourceRequestCancelled',
        2,
        { resourceRequestId: request.id, projectId: project.id, from: 'OPEN', status: 'CANCELLED', reason: 'Deal withdrawn' },
      ],
    ]);
    // The same key again: the stored answer, replayed.
    const again = await call(tessera, CANCEL_REQUEST, input);
    expect((again.body as { data: { cancelResourceRequest: { replayed: boolean } } }).data.cancelResourceRequest.replayed).toBe(true);
  });

  it('answers ALREADY_IN_STATE for a request already CANCELLED, changing nothing', async () => {
    const request = await openRequest();
    await call(tessera, CANCEL_REQUEST, { idempotencyKey: newKey(), resourceRequestId: request.id, expectedVersion: 1, reason: 'First' });
    const result = await call(tessera, CANCEL_REQUEST, {
      idempotencyKey: newKey(),
      resourceRequestId: request.id,
      expectedVersion: 2,
      reason: 'Second',
    });
    expect(result.body).toEqual({
      data: {
        cancelResourceRequest: {
          resourceRequest: { ...request, status: 'CANCELLED', aggregateVersion: 2 },
          userErrors: [],
          warnings: [{ code: 'ALREADY_IN_STATE', message: 'ResourceRequest already is CANCELLED; nothing changed.', field: null }],
          replayed: false,
        },
      },
    });
    expect((await eventsOf(tessera, request.id)).map((event) => event.type)).toEqual([
      'ResourceRequestCreated',
      'StaffingNeeded',
      'ResourceRequestCancelled',
    ]);
  });

  it('refuses a cancellation without a reason, writing nothing', async () => {
    const request = await openRequest();
    const result = await call(tessera, CANCEL_REQUEST, {
      idempotencyKey: newKey(),
      resourceRequestId: request.id,
      expectedVersion: 1,
      reason: '  ',
    });
    expect(result.body).toEqual({
      data: {
        cancelResourceRequest: {
          resourceRequest: null,
          userErrors: [{ code: 'PRECONDITION_FAILED', message: 'A cancellation says why.', field: 'reason' }],
          warnings: [],
          replayed: false,
        },
      },
    });
    expect(await psaDb(tessera).selectFrom('resource_requests').select('status').where('id', '=', request.id).execute()).toEqual([
      { status: 'OPEN' },
    ]);
  });
});
