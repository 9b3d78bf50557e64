import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { realSchemaContract } from './realSchema.contract.ts';

realSchemaContract('SQLite', async () => tempSqliteStore());
