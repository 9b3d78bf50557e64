import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { usageContract } from './usage.contract.ts';

usageContract('SQLite', async () => tempSqliteStore());
