import net from 'node:net';

/**
 * A TCP relay in front of PostgreSQL, so a test can make the database unreachable for one
 * process (cut) and reachable again (restore) without touching the server others use.
 */
export async function startTcpRelay(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const open = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    const listening = server;
    port = await new Promise<number>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () =>
        resolve((listening.address() as net.AddressInfo).port),
      );
    });
  };
  await open();
  return {
    port: () => port,
    /** Refuses new connections and drops the open ones. */
    cut: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server?.listening) return resolve();
        server.close(() => resolve());
      }),
    restore: open,
  };
}

export type TcpRelay = Awaited<ReturnType<typeof startTcpRelay>>;
