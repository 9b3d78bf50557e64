import { describe } from 'vitest';
import { onPostgres } from '../../harness/onPostgres.ts';
import { crosswalkStoreSuite } from './store.contract.ts';

onPostgres('crosswalk store', (makeStore) => describe('crosswalk store on PostgreSQL', () => crosswalkStoreSuite(makeStore)));
