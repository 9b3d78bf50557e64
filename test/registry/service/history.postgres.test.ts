import { onPostgres } from '../../harness/onPostgres.ts';
import { historyContract } from './history.contract.ts';

onPostgres('registry history', (makeStore) => historyContract('PostgreSQL', makeStore));
