/**
 * The saga consumer (`EventConsumer` named `sagas`, docs/processes.md#events): in the delivery's
 * transaction on the integration store, a starting event opens its process (once per subject), and
 * an event that moves a process is recorded in every process linked to its aggregate and wakes a
 * waiting one. Duplicates change nothing (the inbox, and `process_events` once per event id); an
 * older version arriving after a newer one is still recorded, because a waiting step checks the
 * owning system's state, not the order events came in.
 */
import type { Kysely } from 'kysely';
import type { EventConsumer } from '../../kernel/events/transport.ts';
import type { SagaDefinition } from './definition.ts';
import { processesLinkedTo, recordEvent, startProcess } from './processStore.ts';
import type { ProcessTables } from './tables.ts';

export const SAGA_CONSUMER = 'sagas';

export function createSagaConsumer(definitions: readonly SagaDefinition[], onChange?: () => void): EventConsumer {
  const types = [...new Set(definitions.flatMap((definition) => [definition.startsOn, ...definition.movedBy]))];
  return {
    name: SAGA_CONSUMER,
    types,
    async handle(event, { trx, now }) {
      const db = trx as Kysely<ProcessTables>;
      let changed = false;
      for (const definition of definitions) {
        if (event.type === definition.startsOn) changed = (await startProcess(db, definition, event, now)) !== null || changed;
        if (definition.movedBy.includes(event.type)) {
          for (const process of await processesLinkedTo(db, definition.kind, event.aggregateId)) {
            changed = (await recordEvent(db, process, event, now)) || changed;
          }
        }
      }
      if (changed) onChange?.();
    },
  };
}
