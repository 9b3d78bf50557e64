/** The in-process transport under the transport contract, on a store of each test's own. */
import type { Kysely } from 'kysely';
import { createLogger } from '../../../../core/logger.ts';
import { closeDatabase } from '../../../../systems/kernel/database.ts';
import { createDelivery } from '../../../../systems/kernel/events/delivery.ts';
import { createInProcessTransport } from '../../../../systems/kernel/events/inProcessTransport.ts';
import type { EventTables } from '../../../../systems/kernel/events/tables.ts';
import type { EventTransport } from '../../../../systems/kernel/events/transport.ts';
import type { TempStore } from '../../../harness/tempDatabase.ts';
import { openConsumerStore } from './consumerStore.ts';
import type { ContractFixture, MakeContractFixture } from './transport.contract.ts';

export function inProcessFixture(makeStore: () => Promise<TempStore>): MakeContractFixture {
  return async ({ retry, random }): Promise<ContractFixture> => {
    const temp = await makeStore();
    const db = await openConsumerStore(temp.store);
    const events = db as unknown as Kysely<EventTables>;
    let now = Date.parse('2025-03-01T09:00:00.000Z');
    const clock = () => new Date(now);
    const open = () =>
      createInProcessTransport({
        db: events,
        delivery: createDelivery({ db: events, clock, random, retry, transport: 'in-process' }),
        clock,
        logger: createLogger('silent'),
      });
    let transport: EventTransport = open();
    return {
      transport,
      db,
      async advance(ms) {
        now += ms;
      },
      async restart() {
        await transport.close();
        transport = open();
        return transport;
      },
      async close() {
        await transport.close();
        await closeDatabase(db as Kysely<unknown>);
        await temp.remove();
      },
    };
  };
}
