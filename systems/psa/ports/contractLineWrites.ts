/**
 * How a contract amendment changes the PSA's lines of a contract (docs/model.md#contractline,
 * docs/capabilities.md#contract-amendments): `plan` reads the lines and what is billed on them and checks
 * the amendment with no other call changing the contract's lines or creating a project on it (on
 * PostgreSQL an advisory lock held until commit); the answer is written as planned.
 */
import type { ContractLine } from './types.ts';

export interface ContractLineWrites {
  /** Writes the changed lines (same id) and the new ones; answers every line of the contract after it, in id order. */
  amendContractLines(contractId: string, plan: () => Promise<readonly ContractLine[]>): Promise<ContractLine[]>;
}
