import { onPostgres } from '../../../harness/onPostgres.ts';
import { openSqlPsa } from './openPsa.ts';
import { psaReadPortContract } from './readPort.contract.ts';

onPostgres('PSA read port', (makeStore) => psaReadPortContract('SQL (PostgreSQL)', async (data) => openSqlPsa(await makeStore(), data)));
