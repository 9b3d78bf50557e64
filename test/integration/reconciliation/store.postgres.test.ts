import { describe } from 'vitest';
import { onPostgres } from '../../harness/onPostgres.ts';
import { reconciliationStoreSuite } from './store.contract.ts';

onPostgres('reconciliation store', (makeStore) =>
  describe('reconciliation store on PostgreSQL', () => reconciliationStoreSuite(makeStore)),
);
