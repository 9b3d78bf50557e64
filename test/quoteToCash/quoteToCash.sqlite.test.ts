import { tempSqliteStore } from '../harness/tempDatabase.ts';
import { quoteToCashContract } from './quoteToCash.contract.ts';

quoteToCashContract('SQLite', async () => tempSqliteStore());
