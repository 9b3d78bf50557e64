/**
 * Events every process hears (docs/events.md#broadcast): a plain NATS subscription to the subjects
 * the relay publishes to, beside the JetStream stream that captures them. A durable consumer is a
 * work queue (each event goes to one of the processes sharing its name, stored, acked, retried);
 * a broadcast reaches every process listening at that moment, at most once, and keeps nothing. It
 * is for what a process keeps of its own and can read again (a cache with a TTL): an event it
 * misses, disconnected or starting, only leaves that state as stale as its TTL allows.
 */
import type { Logger } from '../../../../core/logger.ts';
import type { EventEnvelope } from '../envelope.ts';
import { decodeEnvelope } from './codec.ts';
import { natsNames } from './names.ts';
import { connectTo } from './natsTransport.ts';

export interface BroadcastOptions {
  /** `nats://` URLs, comma-separated. */
  readonly url: string;
  readonly credsFile?: string;
  /** The deployment prefix (`TESSERA_NATS_STREAM`). */
  readonly prefix: string;
  /** The system whose events are heard, and their types. */
  readonly source: string;
  readonly types: readonly string[];
  /** Called for each event heard; what it throws is logged and the listening goes on. */
  onEvent(event: EventEnvelope): void;
  readonly logger: Logger;
}

export interface Broadcast {
  /** Resolves once the server has the subscriptions: an event published after it is heard. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export async function listenToEvents(options: BroadcastOptions): Promise<Broadcast> {
  const names = natsNames(options.prefix);
  const nc = await connectTo({ url: options.url, prefix: options.prefix, ...(options.credsFile ? { credsFile: options.credsFile } : {}) });
  const loops = options.types.map(async (type) => {
    for await (const message of nc.subscribe(names.eventSubject(options.source, type))) {
      try {
        options.onEvent(decodeEnvelope(message.data));
      } catch (error) {
        options.logger.warn({ err: error, subject: message.subject }, 'a broadcast event could not be handled');
      }
    }
  });
  return {
    ready: nc.flush(),
    async close() {
      await nc.drain();
      await Promise.all(loops);
    },
  };
}
