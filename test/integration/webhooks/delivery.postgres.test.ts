import { onPostgres } from '../../harness/onPostgres.ts';
import { deliveryContract } from './delivery.contract.ts';

onPostgres('webhook delivery', (makeStore) => deliveryContract('PostgreSQL', makeStore));
