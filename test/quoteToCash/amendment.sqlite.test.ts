import { tempSqliteStore } from '../harness/tempDatabase.ts';
import { amendmentContract } from './amendment.contract.ts';

amendmentContract('SQLite', async () => tempSqliteStore());
