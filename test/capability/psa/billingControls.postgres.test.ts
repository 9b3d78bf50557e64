/** The billing controls through the gateway, on PostgreSQL when TESSERA_TEST_POSTGRES_URL is set (the suite: billingControls.contract.ts). */
import { onPostgres } from '../../harness/onPostgres.ts';
import { billingControlsSuite } from './billingControls.contract.ts';

onPostgres('billing controls through the gateway', (makeStore) => billingControlsSuite('PostgreSQL', makeStore));
