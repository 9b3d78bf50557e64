import { onPostgres } from '../../../harness/onPostgres.ts';
import { openSqlCrmSystem } from './sqlSystem.ts';
import { TESSERA_SOURCE } from './writeFixture.ts';
import { crmWritePortContract } from './writePort.contract.ts';

onPostgres('CRM write port', (makeStore) =>
  crmWritePortContract('SQL (PostgreSQL)', async (data) => openSqlCrmSystem(await makeStore(), data), TESSERA_SOURCE),
);
