import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import { memoryErp } from './erpFixture.ts';
import { erpReadPortContract } from './readPort.contract.ts';

erpReadPortContract(
  'the in-memory remote adapter',
  memoryErp(async () => tempSqliteStore()),
);
