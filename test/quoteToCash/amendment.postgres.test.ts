import { onPostgres } from '../harness/onPostgres.ts';
import { amendmentContract } from './amendment.contract.ts';

onPostgres('contract amendments', (makeStore) => amendmentContract('PostgreSQL', makeStore));
