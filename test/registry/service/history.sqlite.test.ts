import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { historyContract } from './history.contract.ts';

historyContract('SQLite', async () => tempSqliteStore());
