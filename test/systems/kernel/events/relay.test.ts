import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import { relaySuite } from './relay.contract.ts';

relaySuite('SQLite', async () => tempSqliteStore());
