/** Receivable write-off through the gateway, on PostgreSQL when TESSERA_TEST_POSTGRES_URL is set (the suite: receivableWriteOff.contract.ts). */
import { onPostgres } from '../../harness/onPostgres.ts';
import { receivableWriteOffSuite } from './receivableWriteOff.contract.ts';

onPostgres('receivable write-off through the gateway', (makeStore) => receivableWriteOffSuite('PostgreSQL', makeStore));
