import { describe } from 'vitest';
import { onPostgres } from '../../harness/onPostgres.ts';
import { cashVersionsSuite } from './versions.contract.ts';

onPostgres('cash invoice versions', (makeStore) => describe('cash invoice versions on PostgreSQL', () => cashVersionsSuite(makeStore)));
