/**
 * The transport contract (transport.contract.ts) on NATS JetStream: a stream prefix of this file's
 * own, deleted after each test; the consumers' store on SQLite.
 *
 * `advance(ms)` moves the delivery's clock and also lets up to `ms` of wall time pass (at most
 * MAX_WAIT_MS): NATS redelivers a `nak(delay)` by the wall clock, and a transport opened by
 * `restart` does not know the retries its predecessor nak'ed, so only elapsed time brings them
 * back. A retry NATS sends back before the delivery's clock says it is due is held by the
 * transport until it is (docs/events.md#nats-transport), so waiting longer changes nothing.
 */
import type { Kysely } from 'kysely';
import { createLogger } from '../../../../core/logger.ts';
import { closeDatabase } from '../../../../systems/kernel/database.ts';
import { createDelivery } from '../../../../systems/kernel/events/delivery.ts';
import { createNatsTransport } from '../../../../systems/kernel/events/nats/natsTransport.ts';
import type { EventTables } from '../../../../systems/kernel/events/tables.ts';
import type { EventTransport } from '../../../../systems/kernel/events/transport.ts';
import { deleteNatsStream, natsTestPrefix, onNats } from '../../../harness/onNats.ts';
import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import { openConsumerStore } from './consumerStore.ts';
import { transportContract, type ContractFixture, type MakeContractFixture } from './transport.contract.ts';

/** The longest retry delay the contract waits out; `advance` beyond it moves the clock only. */
const MAX_WAIT_MS = 250;

onNats('event transport contract', (url) => {
  const make: MakeContractFixture = async ({ retry, random }): Promise<ContractFixture> => {
    const prefix = natsTestPrefix();
    const temp = tempSqliteStore();
    const db = await openConsumerStore(temp.store);
    const events = db as unknown as Kysely<EventTables>;
    let now = Date.parse('2025-03-01T09:00:00.000Z');
    const clock = () => new Date(now);
    const open = () =>
      createNatsTransport({
        url,
        prefix,
        delivery: createDelivery({ db: events, clock, random, retry, transport: 'nats' }),
        clock,
        logger: createLogger('silent'),
        background: false,
      });
    let transport: EventTransport = await open();
    return {
      transport,
      db,
      async advance(ms) {
        now += ms;
        await new Promise((resolve) => setTimeout(resolve, Math.min(ms, MAX_WAIT_MS)));
      },
      async restart() {
        await transport.close();
        transport = await open();
        return transport;
      },
      async close() {
        await transport.close();
        await deleteNatsStream(url, prefix);
        await closeDatabase(db as Kysely<unknown>);
        await temp.remove();
      },
    };
  };
  transportContract('NATS JetStream', make);
});
