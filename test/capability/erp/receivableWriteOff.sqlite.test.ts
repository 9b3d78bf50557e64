/** Receivable write-off through the gateway, on SQLite (the suite: receivableWriteOff.contract.ts). */
import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { receivableWriteOffSuite } from './receivableWriteOff.contract.ts';

receivableWriteOffSuite('SQLite', async () => tempSqliteStore());
