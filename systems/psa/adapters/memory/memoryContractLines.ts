/** A contract amendment's PSA lines over the in-memory vendor (docs/model.md#contractline), once per call. */
import type { CallWrites } from '../../../kernel/adapters/memory/callHistory.ts';
import { rejected } from '../../../kernel/capability/rejection.ts';
import type { ContractLineWrites } from '../../ports/contractLineWrites.ts';
import type { ContractLine } from '../../ports/types.ts';
import { OBJECT } from './objects.ts';

export function createMemoryContractLineWrites(writes: CallWrites): ContractLineWrites {
  return {
    async amendContractLines(contractId, plan) {
      const lines = await plan();
      for (const line of lines) {
        const [current] = await writes.find<ContractLine>(OBJECT.line, (record) => record.id === line.id);
        if (current) {
          await writes.change<ContractLine>(
            OBJECT.line,
            current,
            () => line,
            () => rejected('VERSION_CONFLICT', `Contract line ${line.id} changed while this call ran.`, 'contractId'),
          );
        } else {
          await writes.create<ContractLine>(OBJECT.line, `line:${line.id}`, line);
        }
      }
      const stored = await writes.find<ContractLine>(OBJECT.line, (record) => record.contractId === contractId);
      return stored
        .filter((record) => record.fields.removedBy === null)
        .map((record) => record.fields.record)
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    },
  };
}
