import { onPostgres } from '../../harness/onPostgres.ts';
import { usageContract } from './usage.contract.ts';

onPostgres('registry usage', (makeStore) => usageContract('PostgreSQL', makeStore));
