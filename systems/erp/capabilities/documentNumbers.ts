/**
 * Legal document numbers: gapless per legal entity, document type and year, e.g.
 * `US01-INV-2026-000001` or `UK01-CM-2027-000042`. The counter row is incremented inside the
 * capability's transaction, so it stays locked until commit and a rolled-back call gives its
 * number back (no gaps, no duplicates).
 */
import { sql } from 'kysely';
import type { LegalEntityRow } from '../tables.ts';
import type { ErpTrx } from './records.ts';

export type DocumentType = 'INV' | 'CM';

export async function nextDocumentNumber(trx: ErpTrx, legalEntity: LegalEntityRow, type: DocumentType, date: string): Promise<string> {
  const year = Number(date.slice(0, 4));
  const row = await trx
    .insertInto('document_sequences')
    .values({ id: `${legalEntity.id}:${type}:${year}`, legal_entity_id: legalEntity.id, document_type: type, year, last_number: 1 })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ last_number: sql<number>`document_sequences.last_number + 1` }))
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return `${legalEntity.code}-${type}-${year}-${String(row.last_number).padStart(6, '0')}`;
}

/**
 * Records that `number` was handed out (an invoice the PSA recorded but whose ERP transaction was
 * lost is re-posted under it): the counter of its year moves up to it, never down.
 */
export async function recordDocumentNumber(trx: ErpTrx, legalEntity: LegalEntityRow, type: DocumentType, number: string): Promise<void> {
  const match = new RegExp(`^${legalEntity.code}-${type}-(\\d{4})-(\\d{6})$`).exec(number);
  if (!match) return;
  const year = Number(match[1]);
  const last = Number(match[2]);
  await trx
    .insertInto('document_sequences')
    .values({ id: `${legalEntity.id}:${type}:${year}`, legal_entity_id: legalEntity.id, document_type: type, year, last_number: last })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({
      last_number: sql<number>`case when document_sequences.last_number < ${last} then ${last} else document_sequences.last_number end`,
    }))
    .execute();
}
