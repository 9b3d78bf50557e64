import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import { crmReadPortContract } from './readPort.contract.ts';
import { openSqlCrmReads } from './sqlReads.ts';

crmReadPortContract('SQL (SQLite)', (data) => openSqlCrmReads(tempSqliteStore(), data));
