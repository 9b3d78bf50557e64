import { onPostgres } from '../../harness/onPostgres.ts';
import { contractsContract } from './contracts.contract.ts';

onPostgres('registry contracts', (makeStore) => contractsContract('PostgreSQL', makeStore));
