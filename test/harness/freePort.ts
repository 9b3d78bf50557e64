import net from 'node:net';

/** A TCP port free on 127.0.0.1 right now, for a child process that needs a port number before it starts (PORT=0 is refused). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
