/**
 * Names on the NATS side of the event transport (docs/events.md#nats-transport): one stream per
 * deployment prefix, one subject per event source and type, one durable consumer and one replay
 * subject per event consumer. Everything that becomes a subject token or a JetStream name is
 * checked or encoded here, so a dot in a type can never widen a filter.
 */
import { createHash } from 'node:crypto';

/** A prefix is one subject token and part of a stream name: a letter, then letters, digits, `_` or `-`. */
const PREFIX = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
/** Event sources and types travel as subject tokens: no dots, wildcards or spaces. */
const TOKEN = /^[A-Za-z0-9_-]+$/;

export interface NatsNames {
  readonly prefix: string;
  /** `<PREFIX>_EVENTS`. */
  readonly stream: string;
  /** The subjects the stream captures: every event and every replay of this prefix. */
  readonly streamSubjects: readonly string[];
  /** `<prefix>.events.<source>.<type>`. */
  eventSubject(source: string, type: string): string;
  /** `<prefix>.events.*.<type>`: one type from any source. */
  typeFilter(type: string): string;
  /** `<prefix>.events.>`. */
  readonly allEvents: string;
  /** `<prefix>.replay.<durable>`: dead-letter replays meant for one consumer only. */
  replaySubject(consumer: string): string;
  /** The JetStream durable name of an event consumer. */
  durable(consumer: string): string;
}

export function natsNames(prefix: string): NatsNames {
  if (!PREFIX.test(prefix)) {
    throw new TypeError(`NATS stream prefix must be a letter then up to 31 letters, digits, _ or -; got ${JSON.stringify(prefix)}`);
  }
  return Object.freeze({
    prefix,
    stream: `${prefix.toUpperCase().replaceAll('-', '_')}_EVENTS`,
    streamSubjects: Object.freeze([`${prefix}.events.>`, `${prefix}.replay.>`]),
    allEvents: `${prefix}.events.>`,
    eventSubject: (source: string, type: string) => `${prefix}.events.${token('event source', source)}.${token('event type', type)}`,
    typeFilter: (type: string) => `${prefix}.events.*.${token('event type', type)}`,
    replaySubject: (consumer: string) => `${prefix}.replay.${durableName(consumer)}`,
    durable: durableName,
  });
}

function token(what: string, value: string): string {
  if (!TOKEN.test(value))
    throw new TypeError(`${what} ${JSON.stringify(value)} cannot be a NATS subject token (letters, digits, _ and - only)`);
  return value;
}

/**
 * A consumer's name as a JetStream durable name and subject token. Names made only of letters,
 * digits, `_` and `-` are kept; any other name (`saga:opportunityToProject`) has its other
 * characters replaced by `_` and a hash of the whole name appended, so two names never share a durable.
 */
export function durableName(consumer: string): string {
  if (consumer.length === 0) throw new TypeError('an event consumer needs a name');
  if (TOKEN.test(consumer)) return consumer;
  const hash = createHash('sha256').update(consumer).digest('hex').slice(0, 8);
  return `${consumer.replace(/[^A-Za-z0-9_-]/g, '_')}-${hash}`;
}
