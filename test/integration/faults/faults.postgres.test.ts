/** The fault tests (faults.contract.ts) on PostgreSQL (a database of their own) with the in-process transport. */
import { onPostgres } from '../../harness/onPostgres.ts';
import { faultsContract } from './faults.contract.ts';

onPostgres('opportunity-to-project faults', (makeStore) => faultsContract('PostgreSQL, in-process transport', () => ({ makeStore })));
