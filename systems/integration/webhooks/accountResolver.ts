/**
 * The customer account of an event whose payload does not name it (docs/processes.md#webhooks):
 * asked of the system that owns the record the event is about, by the id the payload carries,
 * as the integration system (which sees every record). Used only outside transactions, by the
 * dispatcher, and only for a subscription whose owner is restricted to some accounts (a partner).
 */
import type { Peers } from '../../kernel/capability/peers.ts';
import type { EventEnvelope } from '../../kernel/events/envelope.ts';
import { accountInPayload } from './audience.ts';

/** The event's account (`null`: the record belongs to no customer); throws when the owner cannot answer. */
export type AccountResolver = (event: EventEnvelope) => Promise<string | null>;

interface Reference {
  readonly key: string;
  readonly system: string;
  readonly query: string;
  readonly account: (data: Record<string, unknown>) => unknown;
}

const path =
  (...keys: string[]) =>
  (data: Record<string, unknown>): unknown =>
    keys.reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], data);

/** The payload ids that say which record an event is about, most specific first, and where its account is read. */
const REFERENCES: readonly Reference[] = [
  {
    key: 'invoiceId',
    system: 'erp',
    query: 'query ($id: ID!) { invoice(id: $id) { customer { id } } }',
    account: path('invoice', 'customer', 'id'),
  },
  {
    key: 'paymentId',
    system: 'erp',
    query: 'query ($id: ID!) { payment(id: $id) { customer { id } } }',
    account: path('payment', 'customer', 'id'),
  },
  {
    key: 'billingDraftId',
    system: 'psa',
    query: 'query ($id: ID!) { billingDraft(id: $id) { customer { id } } }',
    account: path('billingDraft', 'customer', 'id'),
  },
  {
    key: 'projectId',
    system: 'psa',
    query: 'query ($id: ID!) { project(id: $id) { customer { id } } }',
    account: path('project', 'customer', 'id'),
  },
  {
    key: 'contractId',
    system: 'crm',
    query: 'query ($id: ID!) { contract(id: $id) { account { id } } }',
    account: path('contract', 'account', 'id'),
  },
  {
    key: 'opportunityId',
    system: 'crm',
    query: 'query ($id: ID!) { opportunity(id: $id) { account { id } } }',
    account: path('opportunity', 'account', 'id'),
  },
];

/** Resolves through `peers` (signed as the integration system): the payload's account, else the first reference's owner. */
export function peerAccountResolver(peers: () => Peers): AccountResolver {
  return async (event) => {
    const direct = accountInPayload(event);
    if (direct !== null) return direct;
    const payload = event.payload ?? {};
    for (const reference of REFERENCES) {
      const id = payload[reference.key];
      if (typeof id !== 'string' || id === '') continue;
      const data = await peers().step<Record<string, unknown>>(reference.system, reference.query, { id });
      const account = reference.account(data);
      return typeof account === 'string' ? account : null;
    }
    return null;
  };
}
