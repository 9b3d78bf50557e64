/** Stored answers of the previous release, upgraded on SQLite (a ./data folder upgraded in place). */
import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { canonicalAnswersSuite } from './canonicalAnswers.contract.ts';

canonicalAnswersSuite('SQLite', async () => tempSqliteStore());
