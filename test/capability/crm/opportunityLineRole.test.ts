/**
 * Pre-sales resource requests on opportunity lines through the gateway: a line may name the PSA role
 * its work needs (`roleId`, checked against the PSA), kept with the line and read back; an unknown
 * role is refused with its line's field and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  CREATE_OPPORTUNITY,
  call,
  crmDb,
  envelope,
  opportunityInput,
  refused,
  salesforceCustomer,
  seededAccounts,
  type LineInput,
} from './crmKit.ts';

let tessera: TestTessera;
let accountId: string;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  accountId = salesforceCustomer(await seededAccounts(tessera)).id;
});
afterAll(() => tessera?.stop());

const CREATE_WITH_ROLES = `mutation Create($input: CreateOpportunityInput!) {
  createOpportunity(input: $input) {
    opportunity { id lines { id serviceOffering roleId estimatedHours startDate endDate } }
    userErrors { code message field }
  }
}`;

const lines = (roleId: string | null): (LineInput & { roleId?: string | null })[] => [
  {
    serviceOffering: 'Architecture',
    billingMethod: 'TIME_AND_MATERIALS',
    amount: '12000.00',
    estimatedHours: '80.00',
    startDate: '2027-01-04',
    endDate: '2027-02-26',
    ...(roleId ? { roleId } : {}),
  },
  { serviceOffering: 'Discovery workshop', billingMethod: 'FIXED_FEE', amount: '1000.00', startDate: '2027-01-04', endDate: '2027-03-31' },
];

describe('opportunity lines name the PSA role they need', () => {
  it('keeps the role with the line (null where none is named) and reads it back', async () => {
    const result = await call<{ opportunity: { id: string; lines: { id: string }[] } }>(
      tessera,
      CREATE_WITH_ROLES,
      opportunityInput(accountId, { lines: lines('rol_03') }),
    );
    const opportunity = result.payload!.opportunity;
    expect(opportunity.lines.map(({ id: _id, ...line }) => line)).toEqual([
      { serviceOffering: 'Architecture', roleId: 'rol_03', estimatedHours: '80.00', startDate: '2027-01-04', endDate: '2027-02-26' },
      { serviceOffering: 'Discovery workshop', roleId: null, estimatedHours: null, startDate: '2027-01-04', endDate: '2027-03-31' },
    ]);
    const read = await tessera.query(`{ opportunity(id: "${opportunity.id}") { lines { roleId } } }`);
    expect(read).toEqual({ data: { opportunity: { lines: [{ roleId: 'rol_03' }, { roleId: null }] } } });
    const rows = await crmDb(tessera)
      .selectFrom('opportunity_lines')
      .select('role_id')
      .where('opportunity_id', '=', opportunity.id)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([{ role_id: 'rol_03' }, { role_id: null }]);
  });

  it('refuses a role the PSA does not hold, with the line as the field, writing nothing', async () => {
    const before = await crmDb(tessera)
      .selectFrom('opportunity_lines')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const result = await call(tessera, CREATE_OPPORTUNITY, opportunityInput(accountId, { lines: lines('rol_nope') }));
    expect(envelope(result)).toEqual(
      refused('createOpportunity', { code: 'NOT_FOUND', message: 'Role "rol_nope" was not found.', field: 'lines.0.roleId' }),
    );
    const after = await crmDb(tessera)
      .selectFrom('opportunity_lines')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
