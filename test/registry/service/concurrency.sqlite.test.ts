import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { concurrencyContract } from './concurrency.contract.ts';

concurrencyContract('a SQLite file', async () => tempSqliteStore());
