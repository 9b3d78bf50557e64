/** A contract amendment's PSA lines on SQL (docs/model.md#contractline), serialized with project creation on the contract. */
import type { Kysely, Transaction } from 'kysely';
import { serializeOn } from '../../../kernel/capability/engine.ts';
import type { ContractLineWrites } from '../../ports/contractLineWrites.ts';
import { contractLineRow, toContractLine } from './rows.ts';
import type { PsaTables } from './tables.ts';

export function createSqlContractLineWrites(db: Kysely<PsaTables>, trx: Transaction<PsaTables>): ContractLineWrites {
  return {
    async amendContractLines(contractId, plan) {
      await serializeOn(db, trx, `psa.contract:${contractId}`);
      const lines = await plan();
      const known = new Set(
        (await trx.selectFrom('contract_lines').select('id').where('contract_id', '=', contractId).execute()).map((r) => r.id),
      );
      for (const line of lines) {
        const row = contractLineRow(line);
        if (known.has(line.id)) await trx.updateTable('contract_lines').set(row).where('id', '=', line.id).execute();
        else await trx.insertInto('contract_lines').values(row).execute();
      }
      return (await trx.selectFrom('contract_lines').selectAll().where('contract_id', '=', contractId).orderBy('id').execute()).map(
        toContractLine,
      );
    },
  };
}
