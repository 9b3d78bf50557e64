/**
 * Random contract amendment sequences on the CRM and PSA SQL adapters, on PostgreSQL when
 * TESSERA_TEST_POSTGRES_URL is set (the suite: amendment.property.contract.ts). Fewer runs than the
 * in-memory and SQLite suites, which show that the runs reach every outcome: a capability call costs
 * several round trips here (60 runs took three minutes on a loaded machine).
 */
import { onPostgres } from '../harness/onPostgres.ts';
import { amendmentPropertySuite } from './amendment.property.contract.ts';
import { openSqlAmendmentSystems } from './amendmentSqlSystems.ts';

const POSTGRES_RUNS = 15;

onPostgres('contract amendment sequences', (makeStore) =>
  amendmentPropertySuite('SQL CRM and PSA on PostgreSQL', (crm) => openSqlAmendmentSystems(makeStore, crm), POSTGRES_RUNS),
);
