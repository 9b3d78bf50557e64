/**
 * The hidden supergraph of the differential suite: `@inaccessible` fields (one of them required by
 * another subgraph's `@requires`, so the planner fetches what the client may not see), an
 * inaccessible type, inaccessible enum values, and subgraphs that answer with those values
 * anyway: on a non-null field, a nullable one, inside a list and in another subgraph's value type.
 */
import { byKey, link, subgraph, type Fixture } from './define.ts';

const ACCOUNTS_SDL = `${link('key', 'inaccessible')}
type Query {
  accounts(includeClosed: Boolean = false): [Account!]!
  account(id: ID!): Account
  byStatus(status: Status!): [Account!]!
  statuses: [Status]
}
type Account @key(fields: "id") {
  id: ID!
  name: String!
  status: Status!
  tier: Tier
  flags: [Tier!]
  legacyCode: String @inaccessible
  internal: Internal @inaccessible
}
enum Status { ACTIVE SUSPENDED CLOSED @inaccessible }
enum Tier { FREE PRO STAFF @inaccessible }
type Internal @inaccessible { note: String }`;

const BILLING_SDL = `${link('key', 'inaccessible', 'external', 'requires')}
type Account @key(fields: "id") {
  id: ID!
  legacyCode: String @external
  balance: Int!
  creditScore: Int @requires(fields: "legacyCode")
  plan: Plan
  riskNote: String @inaccessible
}
type Plan { name: String! code: String @inaccessible tier: Tier }
enum Tier { FREE PRO STAFF @inaccessible }`;

const ACCOUNTS = [
  { id: 'a1', name: 'Acme', status: 'ACTIVE', tier: 'PRO', flags: ['FREE', 'PRO'], legacyCode: 'L-17', internal: { note: 'vip' } },
  { id: 'a2', name: 'Globex', status: 'SUSPENDED', tier: 'STAFF', flags: ['STAFF'], legacyCode: null, internal: null },
  { id: 'a3', name: 'Initech', status: 'CLOSED', tier: 'FREE', flags: [], legacyCode: 'L-3', internal: null },
];
const PLANS: Record<string, { name: string; code: string; tier: string }> = {
  a1: { name: 'Gold', code: 'G1', tier: 'PRO' },
  a3: { name: 'Staff', code: 'S0', tier: 'STAFF' },
};

function accounts() {
  return subgraph('accounts', ACCOUNTS_SDL, {
    Query: {
      accounts: (_: unknown, { includeClosed }: { includeClosed: boolean }) =>
        includeClosed ? ACCOUNTS : ACCOUNTS.filter((account) => account.status !== 'CLOSED'),
      account: (_: unknown, { id }: { id: string }) => byKey(ACCOUNTS, 'id')({ id }),
      byStatus: (_: unknown, { status }: { status: string }) => ACCOUNTS.filter((account) => account.status === status),
      statuses: () => ['ACTIVE', 'CLOSED', 'SUSPENDED'],
    },
    Account: { __resolveReference: byKey(ACCOUNTS, 'id') },
  });
}

function billing() {
  return subgraph('billing', BILLING_SDL, {
    Account: {
      __resolveReference: (reference: { id: string; legacyCode?: string | null }) => reference,
      balance: (account: { id: string }) => ({ a1: 1200, a2: -50, a3: 0 })[account.id] ?? 0,
      creditScore: (account: { legacyCode: string | null }) => (account.legacyCode ? account.legacyCode.length * 100 : null),
      plan: (account: { id: string }) => PLANS[account.id] ?? null,
      riskNote: () => 'watch',
    },
  });
}

export const HIDDEN: Fixture = { name: 'hidden', subgraphs: () => [accounts(), billing()] };
