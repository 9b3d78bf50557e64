import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { publishContract } from './publish.contract.ts';

publishContract('SQLite', async () => tempSqliteStore());
