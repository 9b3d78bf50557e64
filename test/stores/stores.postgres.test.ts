import { onPostgres } from '../harness/onPostgres.ts';
import { storeContract } from './storeContract.ts';

onPostgres('reference-system stores', (makeStore) => storeContract('PostgreSQL', makeStore));
