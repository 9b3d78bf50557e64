import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import { sqlErp } from './erpFixture.ts';
import { receivableWriteOffContract } from './receivableWriteOff.contract.ts';
import { erpWritePortContract } from './writePort.contract.ts';

erpWritePortContract(
  'SQL (SQLite)',
  sqlErp(async () => tempSqliteStore()),
);
receivableWriteOffContract(
  'SQL (SQLite)',
  sqlErp(async () => tempSqliteStore()),
);
