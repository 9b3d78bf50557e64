/** Stored answers of the previous release, upgraded on PostgreSQL (each system's schema upgraded in place). */
import { onPostgres } from '../../harness/onPostgres.ts';
import { canonicalAnswersSuite } from './canonicalAnswers.contract.ts';

onPostgres('canonical answers upgrade', (makeStore) => canonicalAnswersSuite('PostgreSQL', makeStore));
