/**
 * How a dead-letter replay reaches the running transport (docs/events.md#dead-letters): the process
 * engine, which owns the transport, attaches it to the integration store it hosts the consumers on;
 * the replay capabilities find it through the store their call runs on. A process that runs no
 * transport (a system service without the process engine) answers a replay DOWNSTREAM_UNAVAILABLE.
 */
import { tesseraError } from '../../../core/errors.ts';
import type { EventTransport } from '../../kernel/events/transport.ts';

export type EventRedelivery = Pick<EventTransport, 'redeliver'>;

const attached = new WeakMap<object, EventRedelivery>();

/** Attaches `transport` to the integration store `db` (the `db` the integration system was bound to); answers the detach. */
export function attachRedelivery(db: object, transport: EventRedelivery): () => void {
  attached.set(db, transport);
  return () => {
    if (attached.get(db) === transport) attached.delete(db);
  };
}

/** The transport attached to `db`; DOWNSTREAM_UNAVAILABLE (nothing written, retry later) when none is. */
export function redeliveryFor(db: object): EventRedelivery {
  const transport = attached.get(db);
  if (!transport) {
    throw tesseraError(
      'DOWNSTREAM_UNAVAILABLE',
      'No event transport runs in this process: a dead letter is replayed where the process engine runs. Retry the same request later.',
    );
  }
  return transport;
}

/** The replay id of a dead letter: one per letter, so the transport delivers a repeated replay once. */
export function replayIdOf(deadLetterId: string): string {
  return `replay:${deadLetterId}`;
}
