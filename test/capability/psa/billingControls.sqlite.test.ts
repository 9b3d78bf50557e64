/** The billing controls through the gateway, on SQLite (the suite: billingControls.contract.ts). */
import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { billingControlsSuite } from './billingControls.contract.ts';

billingControlsSuite('SQLite', async () => tempSqliteStore());
