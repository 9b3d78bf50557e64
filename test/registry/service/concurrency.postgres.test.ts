import { onPostgres } from '../../harness/onPostgres.ts';
import { concurrencyContract } from './concurrency.contract.ts';

onPostgres('registry concurrency', (makeStore) => concurrencyContract('PostgreSQL', makeStore));
