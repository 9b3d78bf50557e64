import { describe, it } from 'vitest';
import { testPostgresUrl } from '../../gateway/config.ts';
import { tempPostgresStore } from '../harness/tempDatabase.ts';
import { storeContract } from './storeContract.ts';

const url = testPostgresUrl();
if (url) {
  storeContract('PostgreSQL', () => tempPostgresStore(url));
} else {
  describe.skip('reference-system stores on PostgreSQL', () => {
    it('needs TESSERA_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test)', () => {});
  });
  console.warn('PostgreSQL store suite skipped: set TESSERA_TEST_POSTGRES_URL to run it.');
}
