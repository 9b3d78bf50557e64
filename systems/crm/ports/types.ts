/**
 * The CRM's canonical records (docs/model.md#crm): what its ports speak, whatever system of record
 * stands behind them. Money is an integer of ten-thousandths with its currency; dates are ISO
 * `YYYY-MM-DD`, instants ISO UTC text. No adapter's storage shape (SQL rows, vendor objects) leaks out.
 */

/** An amount in ten-thousandths of `currency` (ISO 4217). */
export interface MoneyE4 {
  readonly amountE4: number;
  readonly currency: string;
}

/** Where a record comes from: the source CRM and its id there (docs/model.md#crm). */
export interface SourceRef {
  readonly system: string;
  readonly id: string;
}

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly website: string | null;
  readonly industry: string | null;
  readonly segment: string | null;
  readonly type: string;
  readonly annualRevenue: MoneyE4 | null;
  readonly employeeCount: number | null;
  readonly parentId: string | null;
  /**
   * The customer's tax id as its CRM holds it (VAT id, EIN: `DE 811 569 869`, `12-3456789`), null when
   * unknown; the crosswalk compares it normalized (docs/crosswalk.md#match-rules).
   */
  readonly taxId: string | null;
  readonly source: SourceRef;
}

export interface Contact {
  readonly id: string;
  readonly accountId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string | null;
  readonly title: string | null;
  readonly source: SourceRef;
}

export interface Opportunity {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly stage: string;
  /** The stage value in the source CRM (Salesforce StageName, HubSpot dealstage). */
  readonly sourceStage: string;
  readonly probability: number;
  readonly forecastCategory: string;
  readonly type: string;
  readonly amount: MoneyE4;
  readonly closeDate: string;
  readonly lossReason: string | null;
  readonly legalEntityId: string;
  readonly primaryContactId: string | null;
  readonly source: SourceRef;
  readonly aggregateVersion: number;
}

/** A line of an opportunity; its amount is in the opportunity's currency. */
export interface OpportunityLine {
  readonly id: string;
  readonly opportunityId: string;
  readonly serviceOffering: string;
  readonly billingMethod: string;
  readonly amountE4: number;
  /** Hours in hundredths. */
  readonly estimatedHoursE2: number | null;
  readonly startDate: string;
  readonly endDate: string;
  /** The PSA role the work needs: a pre-sales resource request (null: none named). */
  readonly roleId: string | null;
}

/**
 * A change to an ACTIVE contract after signature (docs/model.md#contractamendment): version `toVersion` of the
 * contract, proposed by one person and approved by another (docs/state-machines.md#contract-amendment). What it
 * changes: the value, the end date, and the PSA lines (`lineChanges`, as proposed: the PSA owns the lines).
 */
export interface ContractAmendment {
  readonly id: string;
  readonly contractId: string;
  /** AMENDMENT (the terms change) or CHANGE_ORDER (the scope changes). */
  readonly kind: string;
  /** PROPOSED, then APPROVED (in force), REJECTED (by an approver) or WITHDRAWN (by who proposed it). */
  readonly status: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly reason: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  /** Who rejected or withdrew it, when and why (null while PROPOSED or once APPROVED). */
  readonly closedBy: string | null;
  readonly closedAt: string | null;
  readonly closeReason: string | null;
  readonly previousValue: MoneyE4;
  readonly newValue: MoneyE4;
  readonly previousEndDate: string;
  readonly newEndDate: string;
  readonly lineChanges: readonly ContractLineChange[];
}

/** One line of an amendment: an existing PSA line (`lineId`) changed, or a new line of `billingMethod`. */
export interface ContractLineChange {
  readonly lineId: string | null;
  readonly billingMethod: string | null;
  readonly amount: string | null;
  readonly notToExceed: string | null;
  readonly markupPercent: string | null;
  readonly rateCardId: string | null;
}

export interface Contract {
  readonly id: string;
  readonly contractNumber: string;
  readonly version: number;
  readonly title: string;
  readonly status: string;
  readonly accountId: string;
  readonly opportunityId: string | null;
  readonly legalEntityId: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly totalContractValue: MoneyE4;
  readonly billingMethod: string;
  readonly signedAt: string | null;
  readonly customerSignatory: string | null;
  /** Who submitted it for approval and who approved it. */
  readonly submittedBy: string | null;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  readonly documentUrl: string | null;
  readonly activatedAt: string | null;
  readonly aggregateVersion: number;
}
