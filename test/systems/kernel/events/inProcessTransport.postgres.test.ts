import { onPostgres } from '../../../harness/onPostgres.ts';
import { inProcessFixture } from './inProcessFixture.ts';
import { transportContract } from './transport.contract.ts';

onPostgres('in-process event transport', (makeStore) => transportContract('in-process on PostgreSQL', inProcessFixture(makeStore)));
