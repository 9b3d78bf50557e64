/**
 * The JetStream objects the NATS transport needs, created when missing (docs/events.md#nats-transport):
 * the deployment's stream and one durable pull consumer per event consumer. Creating is idempotent:
 * every process of a deployment calls it at start, and an existing object with the same
 * configuration is left as it is.
 */
import { AckPolicy, DeliverPolicy, DiscardPolicy, nanos, NatsError, RetentionPolicy, StorageType, type JetStreamManager } from 'nats';
import type { EventConsumer } from '../transport.ts';
import type { NatsNames } from './names.ts';

/** Publish deduplication by `Nats-Msg-Id` covers a relay retrying a batch for this long. */
export const DUPLICATE_WINDOW_MS = 5 * 60_000;
/** JetStream's API error code for "stream not found". */
const STREAM_NOT_FOUND = 10059;

export interface StreamOptions {
  /** How long events stay in the stream (default: kept until deleted by an operator). */
  readonly maxAgeMs?: number;
  /** One server stores them (default); a cluster can keep 3. */
  readonly replicas?: number;
}

/** Creates the stream `<PREFIX>_EVENTS` if it does not exist; checks an existing one captures our subjects. */
export async function ensureStream(jsm: JetStreamManager, names: NatsNames, options: StreamOptions = {}): Promise<void> {
  try {
    const info = await jsm.streams.info(names.stream);
    const missing = names.streamSubjects.filter((subject) => !info.config.subjects.includes(subject));
    if (missing.length > 0) {
      throw new Error(`NATS stream ${names.stream} exists but does not capture ${missing.join(', ')}`);
    }
    return;
  } catch (error) {
    if (!(error instanceof NatsError && error.api_error?.err_code === STREAM_NOT_FOUND)) throw error;
  }
  await jsm.streams.add({
    name: names.stream,
    subjects: [...names.streamSubjects],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    max_age: nanos(options.maxAgeMs ?? 0),
    num_replicas: options.replicas ?? 1,
  });
}

export interface ConsumerSettings {
  /** How long a delivered message may stay un-acked before the server delivers it again. */
  readonly ackWaitMs: number;
  /** Deliveries after which the server gives up on a message; above the retry policy's attempts. */
  readonly maxDeliver: number;
  /** Whether the server filters by several subjects (NATS 2.10 and later). */
  readonly multipleFilters: boolean;
}

/**
 * Creates (or updates to the same settings) the durable pull consumer of one event consumer. It
 * reads the event subjects of its types, or all events, plus its replay subject. A server before
 * 2.10 filters by one subject only: then the consumer reads the whole stream and the transport
 * acknowledges what the consumer does not want without delivering it (`wants`).
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  names: NatsNames,
  consumer: EventConsumer,
  settings: ConsumerSettings,
): Promise<void> {
  const durable = names.durable(consumer.name);
  const filters = consumer.types === 'all' ? [names.allEvents] : consumer.types.map((type) => names.typeFilter(type));
  await jsm.consumers.add(names.stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: settings.maxDeliver,
    ...(settings.multipleFilters ? { filter_subjects: [...filters, names.replaySubject(consumer.name)] } : {}),
  });
}

/** Whether a message on `subject` is meant for `consumer`: one of its types (or any), or its own replay. */
export function wants(names: NatsNames, consumer: EventConsumer, subject: string): boolean {
  if (subject === names.replaySubject(consumer.name)) return true;
  const eventPrefix = `${names.prefix}.events.`;
  if (!subject.startsWith(eventPrefix)) return false;
  if (consumer.types === 'all') return true;
  const type = subject.slice(subject.lastIndexOf('.') + 1);
  return consumer.types.includes(type);
}

/** Whether a server version (`2.9.10`) filters a consumer by several subjects: 2.10 or later. */
export function supportsMultipleFilters(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? '').split('.').map((part) => Number.parseInt(part, 10));
  return major > 2 || (major === 2 && minor >= 10);
}
