import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import { openSqlPsa } from './openPsa.ts';
import { psaWritePortContract } from './writePort.contract.ts';

psaWritePortContract('SQL (SQLite)', (data) => openSqlPsa(tempSqliteStore(), data));
