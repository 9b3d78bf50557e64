/**
 * Legal document numbers (docs/invariants.md#gapless-numbering): gapless per legal entity, document
 * type and year, e.g. `US01-INV-2026-000001` or `UK01-CM-2027-000042`. The counter row is
 * upserted inside the capability's transaction, so it stays locked until commit and a rolled-back
 * call gives its number back (no gaps, no duplicates).
 */
import { sql, type Kysely } from 'kysely';
import { formatDocumentNumber, parseDocumentNumber } from '../../ports/documentNumbers.ts';
import type { Numbering } from '../../ports/writePort.ts';
import type { ErpTables } from './tables.ts';

/** The number `numbering` gives: the next of its series, or the recorded one (the counter moves up to it). */
export async function documentNumber(trx: Kysely<ErpTables>, numbering: Numbering): Promise<string> {
  if ('recorded' in numbering) {
    await recordDocumentNumber(trx, numbering.legalEntity, numbering.series, numbering.recorded);
    return numbering.recorded;
  }
  const { legalEntity, series, date } = numbering;
  const year = Number(date.slice(0, 4));
  const row = await trx
    .insertInto('document_sequences')
    .values({ id: `${legalEntity.id}:${series}:${year}`, legal_entity_id: legalEntity.id, document_type: series, year, last_number: 1 })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ last_number: sql<number>`document_sequences.last_number + 1` }))
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return formatDocumentNumber(legalEntity.code, series, year, row.last_number);
}

async function recordDocumentNumber(
  trx: Kysely<ErpTables>,
  legalEntity: { id: string; code: string },
  series: string,
  number: string,
): Promise<void> {
  const parsed = parseDocumentNumber(legalEntity.code, series, number);
  if (!parsed) return;
  const { year, sequence: last } = parsed;
  await trx
    .insertInto('document_sequences')
    .values({ id: `${legalEntity.id}:${series}:${year}`, legal_entity_id: legalEntity.id, document_type: series, year, last_number: last })
    .onConflict((conflict) =>
      conflict.column('id').doUpdateSet({
        last_number: sql<number>`case when document_sequences.last_number < ${last} then ${last} else document_sequences.last_number end`,
      }),
    )
    .execute();
}
