import { describe } from 'vitest';
import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { cashVersionsSuite } from './versions.contract.ts';

describe('cash invoice versions on SQLite', () => cashVersionsSuite(async () => tempSqliteStore()));
