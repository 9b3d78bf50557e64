import { onPostgres } from '../../harness/onPostgres.ts';
import { publishContract } from './publish.contract.ts';

onPostgres('registry publish', (makeStore) => publishContract('PostgreSQL', makeStore));
