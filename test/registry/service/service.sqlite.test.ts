import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { concurrencyContract } from './concurrency.contract.ts';
import { contractsContract } from './contracts.contract.ts';
import { historyContract } from './history.contract.ts';
import { publishContract } from './publish.contract.ts';
import { usageContract } from './usage.contract.ts';

const sqlite = async () => tempSqliteStore();
publishContract('SQLite', sqlite);
historyContract('SQLite', sqlite);
contractsContract('SQLite', sqlite);
usageContract('SQLite', sqlite);
concurrencyContract('a SQLite file', sqlite);
