import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import { sqlErp } from './erpFixture.ts';
import { erpReadPortContract } from './readPort.contract.ts';

erpReadPortContract(
  'SQL (SQLite)',
  sqlErp(async () => tempSqliteStore()),
);
