import { onPostgres } from '../../../harness/onPostgres.ts';
import { sqlErp } from './erpFixture.ts';
import { erpWritePortContract } from './writePort.contract.ts';

onPostgres('ERP write port', (makeStore) => erpWritePortContract('SQL (PostgreSQL)', sqlErp(makeStore)));
