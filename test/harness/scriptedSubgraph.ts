/**
 * A subgraph over real sockets whose every answer a test scripts (port 0, 127.0.0.1): it records
 * what each request carried and the connections opened, so a test can check what the gateway's
 * client sent, how many sockets it used and that a socket it gave up was closed.
 */
import { once } from 'node:events';
import http from 'node:http';
import type net from 'node:net';

export interface Received {
  readonly method: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly socket: net.Socket;
}

/** Answers one request (or leaves it hanging, which the test then ends by aborting). */
export type Script = (request: Received, response: http.ServerResponse) => void;

export interface ScriptedSubgraph {
  readonly url: string;
  /** Each request received, in order. */
  readonly received: Received[];
  /** Connections opened so far, and those still open. */
  connections(): { readonly opened: number; readonly open: number };
  answer(script: Script): void;
  /** Resolves once `socket` is closed (at once when it already is). */
  closed(socket: net.Socket): Promise<void>;
  close(): Promise<void>;
}

export async function startScriptedSubgraph(): Promise<ScriptedSubgraph> {
  const received: Received[] = [];
  const sockets = new Set<net.Socket>();
  let opened = 0;
  let script: Script = (_request, response) => response.writeHead(500).end();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        socket: request.socket,
      };
      received.push(entry);
      script(entry, response);
    });
  });
  server.on('connection', (socket: net.Socket) => {
    opened += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`,
    received,
    connections: () => ({ opened, open: sockets.size }),
    answer: (next) => {
      script = next;
    },
    closed: async (socket) => {
      if (!socket.destroyed) await once(socket, 'close');
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
