/**
 * The README's `/webhooks/verify` recipe is code a partner pastes: this test runs exactly its block
 * (as `node receiver.mjs`) and sends it real deliveries from Tessera's dispatcher, then the attacks
 * it must refuse: a changed body, another secret, a captured request replayed after the tolerance.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookHeaders } from '../systems/integration/webhooks/signature.ts';
import { openRig, type Rig } from './integration/webhooks/fixture.ts';

const README = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = README.slice(README.indexOf('<!-- webhooks-verify:start -->'), README.indexOf('<!-- webhooks-verify:end -->'));
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]!);

const PARTNER = { sub: 'partner@example', client_id: 'partner-app', scope: 'webhooks:manage erp:read', legal_entities: '*' as const };

let rig: Rig;
let child: ChildProcess;
let url = '';
let dir = '';
let secret = '';
const output: string[] = [];

beforeAll(async () => {
  expect(blocks).toHaveLength(1);
  rig = await openRig({ now: new Date() });
  // The subscription's URL is set once the receiver listens (its port is picked by the OS).
  const made = await rig.subscribe(PARTNER, 'http://127.0.0.1:1/pending', ['InvoiceReleased']);
  secret = made.secret;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-readme-webhooks-'));
  const file = path.join(dir, 'receiver.mjs');
  fs.writeFileSync(file, blocks[0]!);
  child = spawn(process.execPath, [file], { env: { ...process.env, WEBHOOK_SECRET: secret, PORT: '0' } });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      output.push(...chunk.split('\n').filter(Boolean));
      const listening = output.map((line) => /^listening on (\d+)$/.exec(line)).find(Boolean);
      if (listening) resolve(Number(listening[1]));
    });
    child.on('exit', (code) => reject(new Error(`the README receiver exited with ${code}`)));
  });
  url = `http://127.0.0.1:${port}/`;
  await rig.db.updateTable('webhook_subscriptions').set({ url }).execute();
}, 30_000);

afterAll(async () => {
  child?.kill();
  await rig?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function send(body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return response.status;
}

const event = (eventId: string) => ({
  eventId,
  type: 'InvoiceReleased',
  source: 'erp',
  aggregateType: 'Invoice',
  aggregateId: 'inv_1',
  aggregateVersion: 1,
  occurredAt: new Date().toISOString(),
  correlationId: 'corr',
  causationId: null,
  traceparent: null,
  legalEntityId: 'le_UK01',
  payload: { invoiceId: 'inv_1', accountId: 'acc_00006' },
});

describe('the README /webhooks/verify recipe', () => {
  it("accepts Tessera's deliveries, once per delivery id", async () => {
    const id = randomUUID();
    expect(await rig.publish([event(id)])).toBe(1);
    const [delivery] = (await rig.reads().deliveries({ sub: PARTNER.sub, clientId: PARTNER.client_id }, {}, { first: 5, afterId: null }))
      .rows;
    expect(delivery).toMatchObject({ status: 'DELIVERED', last_status_code: 204, attempts: 1 });
    // A retry of the same delivery (same id, newly signed) is answered 2xx and not handled again.
    const now = Math.floor(Date.now() / 1000);
    expect(await send(delivery!.body_json, webhookHeaders(secret, delivery!.id, now, delivery!.body_json))).toBe(204);
    await expect.poll(() => output.filter((line) => line === `InvoiceReleased ${id}`)).toHaveLength(1);
    expect(output.filter((line) => line.startsWith('InvoiceReleased'))).toEqual([`InvoiceReleased ${id}`]);
  });

  it('refuses a changed body, another secret, and a captured request replayed after five minutes', async () => {
    const body = JSON.stringify({ id: randomUUID(), type: 'InvoiceReleased', occurredAt: new Date().toISOString(), data: {} });
    const now = Math.floor(Date.now() / 1000);
    const signed = webhookHeaders(secret, 'whd_x', now, body);
    expect(await send(body.replace('{}', '{"amount":"1"}'), signed)).toBe(401);
    expect(await send(body, webhookHeaders('whsec_not-the-secret', 'whd_x', now, body))).toBe(401);
    expect(await send(body, webhookHeaders(secret, 'whd_x', now - 301, body))).toBe(401);
    expect(await send(body, { ...signed, 'tessera-webhook-timestamp': String(now + 1) })).toBe(401);
    expect(await send(body, {})).toBe(401);
    expect(await send(body, signed)).toBe(204);
  });
});
