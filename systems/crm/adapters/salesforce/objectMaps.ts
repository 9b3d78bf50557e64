/**
 * The CRM's canonical records as Salesforce objects (docs/connectors.md#salesforce-objects): one map
 * per object, giving its SELECT list, the canonical record of a query record, and the upsert body of
 * a canonical record. Standard fields where Salesforce has one with the same meaning; a
 * `Tessera_...__c` custom field where it has none (the legal entity, the contract's lifecycle,
 * the amendment object). `idField` is the External ID field holding Tessera's id
 * (`TESSERA_SALESFORCE_EXTERNAL_ID_FIELD`), `taxIdField` the Account's tax id (`TESSERA_SALESFORCE_TAX_ID_FIELD`).
 */
import { legalEntityId } from '../../../../core/legalEntityId.ts';
import type { Account, Contact, Contract, ContractAmendment, MoneyE4, Opportunity, OpportunityLine, SourceRef } from '../../ports/types.ts';
import {
  at,
  canonicalIdOf,
  e4,
  int,
  json,
  optionalE2,
  optionalInt,
  optionalReference,
  optionalText,
  picklist,
  reference,
  text,
  type FieldCodec,
  type SfRecord,
} from './fieldCodecs.ts';
import type { StageMapping } from './stageMapping.ts';

/** A codec per canonical field; optional fields (another adapter's extras) may have none. */
type Fields<T> = { readonly [K in keyof Omit<T, 'id'>]: FieldCodec<Omit<T, 'id'>[K]> };

export interface ObjectMap<T extends { readonly id: string }> {
  readonly object: string;
  readonly prefix: string;
  /** The SOQL fields that hold the record attributes record policies read (docs/model.md#record-policies). */
  readonly scoped: { readonly legalEntity?: string; readonly account?: { readonly external: string; readonly native: string } };
  readonly select: readonly string[];
  read(record: SfRecord): T;
  /** The upsert body of `record` (its id is in the URL, not the body). */
  write(record: T): Record<string, unknown>;
}

/** Fields Tessera keeps on the objects it writes, for exactly-once writes and versions (docs/connectors.md#versions-and-exactly-once-writes). */
export const BOOKKEEPING = {
  /** External ID (unique): the external key of the capability call's write that created the record. */
  callKey: 'Tessera_Call_Key__c',
  /** The aggregate version. */
  version: 'Tessera_Version__c',
  /** The call key of the capability call that changed the record last, and the canonical record before that change (JSON). */
  lastCall: 'Tessera_Last_Call__c',
  before: 'Tessera_Before__c',
} as const;

function objectMap<T extends { readonly id: string }>(
  object: string,
  prefix: string,
  idField: string,
  fields: Fields<T>,
  scoped: ObjectMap<T>['scoped'],
  versioned: boolean,
): ObjectMap<T> {
  const codecs = Object.entries(fields) as [string, FieldCodec<unknown>][];
  const bookkeeping = versioned ? [BOOKKEEPING.callKey, BOOKKEEPING.lastCall, BOOKKEEPING.before] : [];
  return {
    object,
    prefix,
    scoped,
    select: [...new Set(['Id', idField, 'SystemModstamp', ...bookkeeping, ...codecs.flatMap(([, codec]) => codec.select)])],
    read: (record) =>
      ({
        id: canonicalIdOf(prefix, record[idField], record.Id),
        ...Object.fromEntries(codecs.map(([key, codec]) => [key, codec.read(record)])),
      }) as T,
    write: (record) =>
      Object.assign({}, ...codecs.map(([key, codec]) => codec.write((record as unknown as Record<string, unknown>)[key]))) as Record<
        string,
        unknown
      >,
  };
}

/** An instant: Salesforce answers `2026-03-03T10:00:00.000+0000`, the canonical form is ISO UTC with `Z`. */
const instant = (field: string): FieldCodec<string | null> => ({
  select: [field],
  read: (record) => {
    const value = at(record, field);
    return value === null ? null : String(value).replace(/\+0000$/, 'Z');
  },
  write: (value) => ({ [field]: value }),
});

const money = (field: string): FieldCodec<MoneyE4> => {
  const amount = e4(field);
  return {
    select: [field, 'CurrencyIsoCode'],
    read: (record) => ({ amountE4: amount.read(record), currency: String(at(record, 'CurrencyIsoCode')) }),
    write: (value) => ({ ...amount.write(value.amountE4), CurrencyIsoCode: value.currency }),
  };
};

const optionalMoney = (field: string): FieldCodec<MoneyE4 | null> => {
  const codec = money(field);
  return {
    select: codec.select,
    read: (record) => (at(record, field) === null ? null : codec.read(record)),
    write: (value) => (value === null ? { [field]: null } : codec.write(value)),
  };
};

/** A record Salesforce holds as its own: no other CRM named, so its source is its `Id` (`source` below). */
export const OWN_SOURCE = { Tessera_Source__c: null } as const;

/** The source CRM and id (`salesforce:006...`); a record nobody imported is its own source (its `Id`). */
const source: FieldCodec<SourceRef> = {
  select: ['Tessera_Source__c', 'Id'],
  read: (record) => {
    const value = at(record, 'Tessera_Source__c');
    if (typeof value !== 'string' || !value.includes(':')) return { system: 'salesforce', id: String(record.Id) };
    const colon = value.indexOf(':');
    return { system: value.slice(0, colon), id: value.slice(colon + 1) };
  },
  write: (value) => ({ Tessera_Source__c: `${value.system}:${value.id}` }),
};

/** The legal entity's code (`US01`) in `Tessera_Legal_Entity__c`; canonical `le_US01` (docs/connectors.md#record-scope). */
export const LEGAL_ENTITY_FIELD = 'Tessera_Legal_Entity__c';
const legalEntity: FieldCodec<string> = {
  select: [LEGAL_ENTITY_FIELD],
  read: (record) => legalEntityId(String(at(record, LEGAL_ENTITY_FIELD) ?? '')),
  write: (value) => ({ [LEGAL_ENTITY_FIELD]: value.replace(/^le_/, '') }),
};

const version: FieldCodec<number> = {
  select: [BOOKKEEPING.version],
  // A record Tessera never wrote is at version 1.
  read: (record) => Number(at(record, BOOKKEEPING.version) ?? 1),
  write: (value) => ({ [BOOKKEEPING.version]: value }),
};

export interface CrmObjectMaps {
  readonly account: ObjectMap<Account>;
  readonly contact: ObjectMap<Contact>;
  readonly opportunity: ObjectMap<Opportunity>;
  readonly line: ObjectMap<OpportunityLine>;
  readonly contract: ObjectMap<Contract>;
  readonly amendment: ObjectMap<ContractAmendment>;
}

export function crmObjectMaps(idField: string, taxIdField: string, stages: StageMapping): CrmObjectMaps {
  const account = (relationship = 'Account', lookup = 'AccountId') => reference(relationship, lookup, idField, 'acc_');
  const accountScope = { external: `Account.${idField}`, native: 'AccountId' };
  return {
    account: objectMap<Account>(
      'Account',
      'acc_',
      idField,
      {
        name: text('Name'),
        website: optionalText('Website'),
        industry: optionalText('Industry'),
        segment: optionalText('Tessera_Segment__c'),
        type: picklist('Type'),
        annualRevenue: optionalMoney('AnnualRevenue'),
        employeeCount: optionalInt('NumberOfEmployees'),
        parentId: optionalReference('Parent', 'ParentId', idField, 'acc_'),
        taxId: optionalText(taxIdField),
        source,
      },
      { account: { external: idField, native: 'Id' } },
      false,
    ),
    contact: objectMap<Contact>(
      'Contact',
      'con_',
      idField,
      {
        accountId: account(),
        firstName: text('FirstName'),
        lastName: text('LastName'),
        email: optionalText('Email'),
        title: optionalText('Title'),
        source,
      },
      { account: accountScope },
      false,
    ),
    opportunity: objectMap<Opportunity>(
      'Opportunity',
      'opp_',
      idField,
      {
        accountId: account(),
        name: text('Name'),
        stage: stages.codec,
        sourceStage: stages.sourceStageCodec,
        probability: int('Probability'),
        forecastCategory: picklist('ForecastCategoryName'),
        type: picklist('Type'),
        amount: money('Amount'),
        closeDate: text('CloseDate'),
        lossReason: optionalText('Tessera_Loss_Reason__c'),
        legalEntityId: legalEntity,
        primaryContactId: optionalText('Tessera_Primary_Contact_Id__c'),
        source,
        aggregateVersion: version,
      },
      { legalEntity: LEGAL_ENTITY_FIELD, account: accountScope },
      true,
    ),
    line: objectMap<OpportunityLine>(
      'OpportunityLineItem',
      'ol_',
      idField,
      {
        opportunityId: reference('Opportunity', 'OpportunityId', idField, 'opp_'),
        serviceOffering: text('Tessera_Service_Offering__c'),
        billingMethod: text('Tessera_Billing_Method__c'),
        amountE4: e4('TotalPrice'),
        estimatedHoursE2: optionalE2('Tessera_Estimated_Hours__c'),
        startDate: text('ServiceDate'),
        endDate: text('Tessera_End_Date__c'),
        roleId: optionalText('Tessera_Role_Id__c'),
      },
      {},
      true,
    ),
    contract: objectMap<Contract>(
      'Contract',
      'ctr_',
      idField,
      {
        contractNumber: text('Tessera_Contract_Number__c'),
        version: int('Tessera_Contract_Version__c'),
        title: text('Name'),
        status: contractStatus,
        accountId: account(),
        opportunityId: optionalText('Tessera_Opportunity_Id__c'),
        legalEntityId: legalEntity,
        startDate: text('StartDate'),
        endDate: text('Tessera_End_Date__c'),
        totalContractValue: money('Tessera_Total_Value__c'),
        billingMethod: text('Tessera_Billing_Method__c'),
        signedAt: instant('Tessera_Signed_At__c'),
        customerSignatory: optionalText('Tessera_Customer_Signatory__c'),
        submittedBy: optionalText('Tessera_Submitted_By__c'),
        approvedBy: optionalText('Tessera_Approved_By__c'),
        approvedAt: instant('Tessera_Approved_At__c'),
        documentUrl: optionalText('Tessera_Document_Url__c'),
        activatedAt: instant('Tessera_Activated_At__c'),
        aggregateVersion: version,
      },
      { legalEntity: LEGAL_ENTITY_FIELD, account: accountScope },
      true,
    ),
    amendment: objectMap<ContractAmendment>(
      'Tessera_Contract_Amendment__c',
      'ctra_',
      idField,
      {
        contractId: reference('Contract__r', 'Contract__c', idField, 'ctr_'),
        kind: text('Kind__c'),
        status: text('Status__c'),
        fromVersion: int('From_Version__c'),
        toVersion: int('To_Version__c'),
        reason: text('Reason__c'),
        requestedBy: text('Requested_By__c'),
        requestedAt: instant('Requested_At__c') as FieldCodec<string>,
        approvedBy: optionalText('Approved_By__c'),
        approvedAt: instant('Approved_At__c'),
        closedBy: optionalText('Closed_By__c'),
        closedAt: instant('Closed_At__c'),
        closeReason: optionalText('Close_Reason__c'),
        previousValue: money('Previous_Value__c'),
        newValue: money('New_Value__c'),
        previousEndDate: text('Previous_End_Date__c'),
        newEndDate: text('New_End_Date__c'),
        lineChanges: json('Line_Changes__c'),
      },
      {},
      true,
    ),
  };
}

/**
 * The canonical contract status in `Tessera_Status__c` (Salesforce's own `Status` picklist has no
 * IN_APPROVAL/APPROVED/SIGNED of ours); `Status` follows it as the standard values say: `Activated`
 * once ACTIVE, `Draft` before.
 */
const contractStatus: FieldCodec<string> = {
  select: ['Tessera_Status__c'],
  read: (record) => String(at(record, 'Tessera_Status__c') ?? 'DRAFT'),
  write: (value) => ({ Tessera_Status__c: value, Status: value === 'ACTIVE' ? 'Activated' : 'Draft' }),
};
