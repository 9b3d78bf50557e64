import { deliveryContract } from './delivery.contract.ts';

deliveryContract('SQLite');
