import { describe } from 'vitest';
import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { reconciliationStoreSuite } from './store.contract.ts';

describe('reconciliation store on SQLite', () => reconciliationStoreSuite(async () => tempSqliteStore()));
