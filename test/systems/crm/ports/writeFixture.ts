/** What the CRM write-port suites start from and expect: one customer account, one opportunity to open. */
import { principalFromClaims } from '../../../../auth/principal.ts';
import { expect } from 'vitest';
import type { Account, Opportunity } from '../../../../systems/crm/ports/types.ts';
import { HUBSPOT_CUSTOM_STAGES } from '../../../../seed/catalog.ts';
import { SOURCE_STAGES } from '../../../../systems/crm/stages.ts';
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

/**
 * What an adapter answers as the source of an opportunity it opens, on the write's answer and on
 * every read after it (the write-port contract's rule, stated per adapter): a vendor CRM's own record
 * id, so the crosswalk's `(system, externalId)` names the vendor's record (docs/crosswalk.md#canonical-ids-and-external-references).
 */
export interface OwnSource {
  readonly system: string;
  /** The format of the vendor's record id; null: Tessera's own id, which the SQL and in-memory stores keep. */
  readonly vendorId: RegExp | null;
  /** Its stage value (`sourceStage`) per canonical stage: Salesforce's StageName, the HubSpot pipeline's stage ids. */
  readonly stages: Readonly<Record<string, string>>;
}
/** The SQL and in-memory stores: the system of the account (FIXTURE's is Salesforce), Tessera's id. */
export const TESSERA_SOURCE: OwnSource = { system: 'salesforce', vendorId: null, stages: SOURCE_STAGES.salesforce! };
/** An `Opportunity.Id`: key prefix 006, 18 characters. */
export const SALESFORCE_SOURCE: OwnSource = { system: 'salesforce', vendorId: /^006[0-9A-Za-z]{15}$/, stages: SOURCE_STAGES.salesforce! };
/**
 * A HubSpot deal id (a number), in the pipeline a new deal goes to: the stage map's first, which of
 * the stand-in's (TEST_PIPELINES) is the services pipeline 1187261, a numeric key leading a JS object.
 */
export const HUBSPOT_SOURCE: OwnSource = { system: 'hubspot', vendorId: /^[1-9][0-9]*$/, stages: HUBSPOT_CUSTOM_STAGES };

/** The opportunity NEW_OPPORTUNITY opens as `id`, at PROSPECTING in the source CRM's vocabulary. */
export function expectedOpportunity(id: string, own: OwnSource = TESSERA_SOURCE): Opportunity {
  return {
    id,
    accountId: 'acc_c1',
    name: 'Data platform',
    stage: 'PROSPECTING',
    sourceStage: own.stages.PROSPECTING!,
    probability: 10,
    forecastCategory: 'PIPELINE',
    type: 'NEW_BUSINESS',
    amount: { amountE4: 1_500_000_000, currency: 'USD' },
    closeDate: '2026-06-30',
    lossReason: null,
    legalEntityId: 'le_US01',
    primaryContactId: null,
    source: { system: own.system, id: own.vendorId ? (expect.stringMatching(own.vendorId) as string) : id },
    aggregateVersion: 1,
  };
}
