import { onPostgres } from '../../../harness/onPostgres.ts';
import { sqlErp } from './erpFixture.ts';
import { receivableWriteOffContract } from './receivableWriteOff.contract.ts';
import { erpWritePortContract } from './writePort.contract.ts';

onPostgres('ERP write port', (makeStore) => erpWritePortContract('SQL (PostgreSQL)', sqlErp(makeStore)));
onPostgres('ERP receivable write-off', (makeStore) => receivableWriteOffContract('SQL (PostgreSQL)', sqlErp(makeStore)));
