/**
 * The queries the README shows and the benchmark measures: a project with its customer, staff,
 * time and invoices; a customer's portfolio; a consultant's assignments; the portfolio dashboard.
 * `test/readme.test.ts` checks that the README's copies still run.
 */
export const PROJECT_360 = `query Project($id: ID!) {
  project(id: $id) {
    code name status
    customer { name industry arBalances { amount currency } }
    contract { contractNumber totalContractValue { amount currency } paymentTerms lines { billingMethod } }
    assignments(status: [CONFIRMED, ACTIVE]) { resource { name } role { name } billRate { amount currency } }
    timecards(first: 4) { weekStart status totalHours }
    invoices { invoiceNumber status total { amount currency } amountDue { amount currency } }
    billedToDate { amount currency }
    unbilledWip { amount currency }
  }
}`;

export const CUSTOMER_PORTFOLIO = `query CustomerPortfolio($id: ID!) {
  account(id: $id) {
    name type
    projects { code name status staffCount billedToDate { amount currency } unbilledWip { amount currency } }
    contracts { contractNumber status totalContractValue { amount currency } }
    billingProfiles { customerNumber legalEntity { code } paymentTerms }
    arBalances { amount currency }
  }
}`;

export const CONSULTANT_ASSIGNMENTS = `query ConsultantAssignments($id: ID!) {
  resource(id: $id) {
    name employmentType primaryRole { name }
    homeLegalEntity { code name }
    assignments {
      status startDate endDate scheduledHours billRate { amount currency }
      project { code name customer { name } }
    }
  }
}`;

export const PORTFOLIO = `query Portfolio {
  projects(filter: { status: [ACTIVE] }, first: 500) {
    totalCount
    nodes {
      code name
      customer { name }
      contract { totalContractValue { amount currency } }
      staffCount
      billedToDate { amount currency }
    }
  }
}`;
