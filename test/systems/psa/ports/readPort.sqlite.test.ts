import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import { openSqlPsa } from './openPsa.ts';
import { psaReadPortContract } from './readPort.contract.ts';

psaReadPortContract('SQL (SQLite)', (data) => openSqlPsa(tempSqliteStore(), data));
