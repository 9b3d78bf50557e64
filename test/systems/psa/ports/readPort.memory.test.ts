import { openMemoryPsa } from './openPsa.ts';
import { psaReadPortContract } from './readPort.contract.ts';

psaReadPortContract('the in-memory remote adapter', (data) => openMemoryPsa(data));
