import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import { openSqlCrmSystem } from './sqlSystem.ts';
import { TESSERA_SOURCE } from './writeFixture.ts';
import { crmWritePortContract } from './writePort.contract.ts';

crmWritePortContract('SQL (SQLite)', (data) => openSqlCrmSystem(tempSqliteStore(), data), TESSERA_SOURCE);
