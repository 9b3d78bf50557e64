/** The vendor object types the in-memory ERP keeps its canonical records under (NetSuite record types, roughly). */
export const ERP_OBJECTS = {
  legalEntity: 'Subsidiary',
  period: 'AccountingPeriod',
  taxProfile: 'TaxProfile',
  rateCard: 'RateCard',
  rateCardLine: 'RateCardLine',
  billingProfile: 'CustomerSubsidiary',
  contractTerms: 'ContractTerms',
  erpProject: 'Job',
  invoice: 'Invoice',
  invoiceLine: 'InvoiceLine',
  payment: 'CustomerPayment',
  application: 'PaymentApplication',
  schedule: 'RevenuePlan',
  scheduleLine: 'RevenuePlanLine',
  sequence: 'DocumentSequence',
  reservedNumber: 'DocumentNumber',
} as const;
