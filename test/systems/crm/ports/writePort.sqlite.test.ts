import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import { openSqlCrmSystem } from './sqlSystem.ts';
import { crmWritePortContract } from './writePort.contract.ts';

crmWritePortContract('SQL (SQLite)', (data) => openSqlCrmSystem(tempSqliteStore(), data));
