import { describe } from 'vitest';
import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { crosswalkStoreSuite } from './store.contract.ts';

describe('crosswalk store on SQLite', () => crosswalkStoreSuite(async () => tempSqliteStore()));
