import { openMemoryPsa } from './openPsa.ts';
import { psaWritePortContract } from './writePort.contract.ts';

psaWritePortContract('the in-memory remote adapter', (data) => openMemoryPsa(data));
