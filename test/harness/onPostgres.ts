import { describe, it } from 'vitest';
import { testPostgresUrl } from '../../core/config/config.ts';
import { tempPostgresStore, type TempStore } from './tempDatabase.ts';

/**
 * Runs a contract suite on PostgreSQL when `TESSERA_TEST_POSTGRES_URL` is set (each suite gets its
 * own fresh database); otherwise registers it as skipped and says why. CI sets the variable and
 * fails when a PostgreSQL suite skipped.
 */
export function onPostgres(suite: string, run: (makeStore: () => Promise<TempStore>) => void): void {
  const url = testPostgresUrl();
  if (url) {
    run(() => tempPostgresStore(url));
    return;
  }
  describe.skip(`${suite} on PostgreSQL`, () => {
    it('needs TESSERA_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test)', () => {});
  });
  console.warn(`PostgreSQL suite "${suite}" skipped: set TESSERA_TEST_POSTGRES_URL to run it.`);
}
