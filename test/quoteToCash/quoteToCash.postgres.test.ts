import { onPostgres } from '../harness/onPostgres.ts';
import { quoteToCashContract } from './quoteToCash.contract.ts';

onPostgres('quote to cash', (makeStore) => quoteToCashContract('PostgreSQL', makeStore));
