/**
 * The write of a transition: sets `values` and increments `aggregate_version`, only if the row is
 * still at the version the caller read (`aggregate.aggregateVersion`, from its canonical record). The version check is in the UPDATE itself, so two transitions racing from
 * the same version cannot both succeed, whatever the isolation level: the loser gets VERSION_CONFLICT.
 */
import type { Kysely, Transaction } from 'kysely';
import type { VersionedAggregate } from './aggregateEvent.ts';
import { rejected, type CapabilityRejected } from './rejection.ts';

// Any table with an `id` and an `aggregate_version` (the caller's DB type names it).
type VersionedTables = { versioned: { id: string; aggregate_version: number } & Record<string, unknown> };

export async function updateAggregate<DB>(
  trx: Transaction<DB>,
  table: keyof DB & string,
  entity: string,
  aggregate: VersionedAggregate,
  values: Readonly<Record<string, unknown>>,
  /** The rejection of a lost race, when the caller can say more than "changed while this call ran". */
  conflict: () => CapabilityRejected = () =>
    rejected(
      'VERSION_CONFLICT',
      `${entity} ${JSON.stringify(aggregate.id)} changed while this call ran. Read it again, then decide.`,
      'expectedVersion',
    ),
): Promise<number> {
  const next = aggregate.aggregateVersion + 1;
  const result = await (trx as unknown as Kysely<VersionedTables>)
    .updateTable(table as 'versioned')
    .set({ ...values, aggregate_version: next })
    .where('id', '=', aggregate.id)
    .where('aggregate_version', '=', aggregate.aggregateVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw conflict();
  return next;
}
