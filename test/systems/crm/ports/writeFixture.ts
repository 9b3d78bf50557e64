/** What the CRM write-port suites start from and expect: one customer account, one opportunity to open. */
import { principalFromClaims } from '../../../../auth/principal.ts';
import type { Account, Opportunity } from '../../../../systems/crm/ports/types.ts';
import type { CrmData } from './crmData.ts';

export const T0 = new Date('2026-03-02T09:00:00.000Z');
export const ALICE = principalFromClaims({ sub: 'alice', scope: 'crm:write', legal_entities: '*' });
export const BOB = principalFromClaims({ sub: 'bob', scope: 'crm:write', legal_entities: '*' });
const ACCOUNT: Account = {
  id: 'acc_c1',
  name: 'Contoso',
  website: null,
  industry: null,
  segment: null,
  type: 'CUSTOMER',
  annualRevenue: null,
  employeeCount: null,
  parentId: null,
  taxId: '91-1144442',
  source: { system: 'salesforce', id: '001C1' },
};
/** One customer account, nothing else. */
export const FIXTURE: CrmData = { accounts: [ACCOUNT], contacts: [], opportunities: [], lines: [], contracts: [], amendments: [] };
/** What createOpportunity's prepare would read: the ERP's legal entity status and the PSA roles that exist. */
export const ACTIVE_LEGAL_ENTITY = { legalEntityStatus: 'ACTIVE', knownRoles: ['rol_03'] };
export const NEW_OPPORTUNITY = {
  accountId: 'acc_c1',
  name: 'Data platform',
  legalEntityId: 'le_US01',
  currency: 'USD',
  closeDate: '2026-06-30',
  lines: [
    {
      serviceOffering: 'Build',
      billingMethod: 'TIME_AND_MATERIALS',
      amount: '100000.00',
      estimatedHours: '120',
      startDate: '2026-07-01',
      endDate: '2026-12-31',
      roleId: 'rol_03',
    },
    { serviceOffering: 'Run', billingMethod: 'FIXED_FEE', amount: '50000', startDate: '2026-04-01', endDate: '2026-09-30' },
  ],
};

export function expectedOpportunity(id: string): Opportunity {
  return {
    id,
    accountId: 'acc_c1',
    name: 'Data platform',
    stage: 'PROSPECTING',
    sourceStage: 'Prospecting',
    probability: 10,
    forecastCategory: 'PIPELINE',
    type: 'NEW_BUSINESS',
    amount: { amountE4: 1_500_000_000, currency: 'USD' },
    closeDate: '2026-06-30',
    lossReason: null,
    legalEntityId: 'le_US01',
    primaryContactId: null,
    source: { system: 'salesforce', id },
    aggregateVersion: 1,
  };
}
