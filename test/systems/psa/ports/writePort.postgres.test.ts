import { onPostgres } from '../../../harness/onPostgres.ts';
import { openSqlPsa } from './openPsa.ts';
import { psaWritePortContract } from './writePort.contract.ts';

onPostgres('PSA write port', (makeStore) => psaWritePortContract('SQL (PostgreSQL)', async (data) => openSqlPsa(await makeStore(), data)));
