import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import { describe, it } from 'vitest';
import { testNatsUrl } from '../../core/config/config.ts';
import { natsNames } from '../../systems/kernel/events/nats/names.ts';

/**
 * Runs a suite against the NATS server (with JetStream) named by `TESSERA_TEST_NATS_URL`;
 * otherwise registers it as skipped and says why. CI sets the variable and fails when a NATS
 * suite skipped. Each suite uses its own stream prefix (`natsTestPrefix`) and deletes its stream.
 */
export function onNats(suite: string, run: (url: string) => void): void {
  const url = testNatsUrl();
  if (url) {
    run(url);
    return;
  }
  describe.skip(`${suite} on NATS`, () => {
    it('needs TESSERA_TEST_NATS_URL (e.g. nats://127.0.0.1:4222)', () => {});
  });
  console.warn(`NATS suite "${suite}" skipped: set TESSERA_TEST_NATS_URL to run it.`);
}

/** A stream prefix no other test uses: `t` and 10 hex digits. */
export function natsTestPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** Deletes the stream of `prefix` (and with it its consumers), if it exists. */
export async function deleteNatsStream(url: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    const stream = natsNames(prefix).stream;
    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    if (names.includes(stream)) await jsm.streams.delete(stream);
  } finally {
    await nc.close();
  }
}
