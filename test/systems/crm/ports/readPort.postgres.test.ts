import { onPostgres } from '../../../harness/onPostgres.ts';
import { crmReadPortContract } from './readPort.contract.ts';
import { openSqlCrmReads } from './sqlReads.ts';

onPostgres('CRM read port', (makeStore) =>
  crmReadPortContract('SQL (PostgreSQL)', async (data) => openSqlCrmReads(await makeStore(), data)),
);
