/**
 * A subgraph served alone stops a call whose caller hung up (docs/demand-control.md#client-disconnect):
 * the signal its execution gets aborts when the connection closes before the answer, and never
 * after an answer was written.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap } from '@apollo/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../core/logger.ts';
import { createSubgraphListener } from '../../../systems/kernel/subgraphListener.ts';
import type { SubgraphServer } from '../../../systems/kernel/subgraphServer.ts';

const ANSWER = {
  status: 200,
  headers: new HeaderMap([['content-type', 'application/json']]),
  body: { kind: 'complete', string: '{"data":{}}' },
} as const;

/** A subgraph whose calls record their signal and answer when `answer` is called. */
function heldSubgraph() {
  const signals: AbortSignal[] = [];
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  let start!: () => void;
  const started = new Promise<void>((resolve) => (start = resolve));
  const server = {
    name: 'crm',
    execute: async (_request: unknown, signal?: AbortSignal) => {
      signals.push(signal!);
      start();
      await answered;
      return ANSWER;
    },
    reload: async () => {},
    stop: async () => {},
  } as unknown as SubgraphServer;
  return { server, signals, started, answer };
}

let listening: http.Server | undefined;
afterEach(() => new Promise<void>((done) => (listening ? listening.close(() => done()) : done())));

async function serve(server: SubgraphServer): Promise<number> {
  listening = http.createServer(createSubgraphListener(server, 1024 * 1024, createLogger('silent')));
  await new Promise<void>((done) => listening!.listen(0, '127.0.0.1', done));
  return (listening.address() as AddressInfo).port;
}

function post(port: number) {
  const body = JSON.stringify({ query: '{ __typename }' });
  const request = http.request({
    port,
    host: '127.0.0.1',
    path: '/graphql',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  request.on('error', () => {});
  request.end(body);
  return request;
}

describe('a subgraph served alone', () => {
  it('aborts the execution of a call whose caller hung up before the answer', async () => {
    const held = heldSubgraph();
    const request = post(await serve(held.server));
    await held.started;
    expect(held.signals[0]!.aborted).toBe(false);
    request.destroy();
    await vi.waitFor(() => expect(held.signals[0]!.aborted).toBe(true), { timeout: 5000 });
    held.answer();
  });

  it('never aborts a call it answered', async () => {
    const held = heldSubgraph();
    held.answer();
    const port = await serve(held.server);
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect([response.status, await response.text()]).toEqual([200, '{"data":{}}']);
    expect(held.signals[0]!.aborted).toBe(false);
  });
});
