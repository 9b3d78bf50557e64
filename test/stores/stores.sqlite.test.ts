import { tempSqliteStore } from '../harness/tempDatabase.ts';
import { storeContract } from './storeContract.ts';

storeContract('SQLite', async () => tempSqliteStore());
