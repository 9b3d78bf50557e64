import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { contractsContract } from './contracts.contract.ts';

contractsContract('SQLite', async () => tempSqliteStore());
