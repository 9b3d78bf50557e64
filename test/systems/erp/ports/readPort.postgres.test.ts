import { onPostgres } from '../../../harness/onPostgres.ts';
import { sqlErp } from './erpFixture.ts';
import { erpReadPortContract } from './readPort.contract.ts';

onPostgres('ERP read port', (makeStore) => erpReadPortContract('SQL (PostgreSQL)', sqlErp(makeStore)));
