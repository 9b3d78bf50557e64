/** The fault tests (faults.contract.ts) on SQLite with the in-process transport. */
import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { faultsContract } from './faults.contract.ts';

faultsContract('SQLite, in-process transport', () => ({ makeStore: async () => tempSqliteStore() }));
