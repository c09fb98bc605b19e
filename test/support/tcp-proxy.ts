import net from 'node:net';

/**
 * A TCP proxy between a client under test and a real dependency, to make that dependency fail the ways networks
 * do: `pause()` stops forwarding bytes in both directions but holds every socket open (a stalled server, a
 * partition without RST: the worst case, since nothing errors), `resume()` forwards again (held bytes included),
 * `kill()` resets every open connection (a crashed server), `close()` stops listening and ends everything.
 * While paused, new connections are accepted and held too. Usable for any TCP protocol (PostgreSQL, Redis,
 * Kafka, AMQP, HTTP).
 */
export interface TcpProxy {
  /** The local port to point the client at (the proxy listens on 127.0.0.1). */
  port: number;
  /** Replaces host:port in a URL with the proxy's. */
  urlFor: (url: string) => string;
  pause: () => void;
  resume: () => void;
  /** Destroys every open connection (pairs), as a crashed peer would. New connections are still accepted. */
  kill: () => void;
  /** How many client connections are open now. */
  connections: () => number;
  close: () => Promise<void>;
}

export interface TcpProxyTarget {
  host?: string;
  port: number;
}

export const startTcpProxy = async ({ host = '127.0.0.1', port }: TcpProxyTarget): Promise<TcpProxy> => {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let paused = false;

  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port });
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    // pipe() honours pause(): a paused readable keeps its bytes (in the kernel buffers once ours fill up).
    client.pipe(upstream);
    upstream.pipe(client);
    if (paused) {
      client.pause();
      upstream.pause();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const listening = (server.address() as net.AddressInfo).port;

  const eachSocket = (action: (socket: net.Socket) => void) => {
    for (const pair of pairs) pair.forEach(action);
  };

  return {
    port: listening,
    urlFor: (url) => {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(listening);
      return parsed.toString();
    },
    pause: () => {
      paused = true;
      eachSocket((socket) => socket.pause());
    },
    resume: () => {
      paused = false;
      eachSocket((socket) => socket.resume());
    },
    kill: () => eachSocket((socket) => socket.resetAndDestroy()),
    connections: () => pairs.size,
    close: async () => {
      eachSocket((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
