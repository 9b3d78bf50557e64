/**
 * One pull request to a durable JetStream consumer, on the wire protocol (docs/events.md#nats-transport).
 *
 * The client's own `fetch` ends a batch early when a message says nothing is pending after it,
 * and the server's pending count can lag messages just stored: the rest of the batch, already
 * sent, is then dropped and comes back only after the ack wait. Here a pull ends only on what the
 * server says: the batch is full, or a status (`404 No Messages`, `408 Request Timeout`) closes it.
 */
import { createInbox, nanos, type Msg, type MsgHdrs, type NatsConnection } from 'nats';

export interface PulledMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
  readonly streamSequence: number;
  /** 1 for the first delivery of this message to this consumer. */
  readonly deliveryCount: number;
  ack(): void;
  /** Acks and waits for the server to confirm it; rejects after `timeoutMs`. */
  ackAck(timeoutMs: number): Promise<void>;
  /** Asks the server to deliver it again after `delayMs`. */
  nak(delayMs: number): void;
  /** Asks the server never to deliver it again. */
  term(): void;
}

export interface PullRequest {
  readonly batch: number;
  /** Answer with what is there now; otherwise wait up to `expiresMs` for messages. */
  readonly noWait: boolean;
  readonly expiresMs?: number;
  /** Longest silence from the server before the pull fails (the connection may be gone). */
  readonly silenceMs: number;
}

const encoder = new TextEncoder();

export async function* pull(nc: NatsConnection, stream: string, durable: string, request: PullRequest): AsyncGenerator<PulledMessage> {
  const inbox = createInbox();
  const subscription = nc.subscribe(inbox);
  const body = request.noWait
    ? { batch: request.batch, no_wait: true }
    : { batch: request.batch, expires: nanos(request.expiresMs ?? 1000) };
  const waitMs = request.silenceMs + (request.noWait ? 0 : (request.expiresMs ?? 1000));
  const messages = subscription[Symbol.asyncIterator]();
  try {
    nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`, encoder.encode(JSON.stringify(body)), { reply: inbox });
    let received = 0;
    while (received < request.batch) {
      const next = await withTimeout(messages.next(), waitMs, `NATS pull from ${durable} got no answer within ${waitMs} ms`);
      if (next.done) return;
      const message = next.value;
      const status = message.headers?.code ?? 0;
      if (status === 100) continue; // idle heartbeat
      if (status === 404 || status === 408) return;
      if (status !== 0) throw new Error(`NATS pull from ${durable}: ${status} ${message.headers?.description ?? ''}`.trim());
      received += 1;
      yield pulled(nc, message);
    }
  } finally {
    subscription.unsubscribe();
  }
}

/**
 * The delivery of `message`, from its reply subject: `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.…`
 * (or, on newer servers, with a domain and an account hash before the stream).
 */
function pulled(nc: NatsConnection, message: Msg): PulledMessage {
  const reply = message.reply ?? '';
  const tokens = reply.split('.');
  if (tokens[0] !== '$JS' || tokens[1] !== 'ACK' || tokens.length < 9)
    throw new Error(`not a JetStream delivery: ${JSON.stringify(reply)}`);
  const offset = tokens.length === 9 ? 4 : 6;
  const respond = (payload: string) => nc.publish(reply, encoder.encode(payload));
  return {
    subject: message.subject,
    data: message.data,
    headers: message.headers,
    deliveryCount: Number(tokens[offset]),
    streamSequence: Number(tokens[offset + 1]),
    ack: () => respond('+ACK'),
    async ackAck(timeoutMs) {
      await nc.request(reply, encoder.encode('+ACK'), { timeout: timeoutMs });
    },
    nak: (delayMs) => respond(delayMs > 0 ? `-NAK ${JSON.stringify({ delay: nanos(delayMs) })}` : '-NAK'),
    term: () => respond('+TERM'),
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
