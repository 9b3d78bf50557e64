/** Random contract amendment sequences on the CRM and PSA SQL adapters, on SQLite (the suite: amendment.property.contract.ts). */
import { tempSqliteStore } from '../harness/tempDatabase.ts';
import { amendmentPropertySuite } from './amendment.property.contract.ts';
import { openSqlAmendmentSystems } from './amendmentSqlSystems.ts';

amendmentPropertySuite('SQL CRM and PSA on SQLite', (crm) => openSqlAmendmentSystems(async () => tempSqliteStore(), crm));
