import { describe, it } from 'vitest';
import { testPostgresUrl } from '../../gateway/config.ts';
import { tempPostgresStore } from '../harness/tempDatabase.ts';
import { runCapabilityContract } from './runCapability.contract.ts';

const url = testPostgresUrl();
if (url) {
  runCapabilityContract('PostgreSQL', () => tempPostgresStore(url));
} else {
  describe.skip('runCapability on PostgreSQL', () => {
    it('needs TESSERA_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test)', () => {});
  });
  console.warn('PostgreSQL capability suite skipped: set TESSERA_TEST_POSTGRES_URL to run it.');
}
