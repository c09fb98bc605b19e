import net from 'node:net';

/**
 * A TCP proxy on a free loopback port in front of one shared server (PostgreSQL, RabbitMQ, S3Proxy), so that a
 * bench or a test can take that server away from one bridge without touching the server itself: everyone else
 * keeps using it directly. The one fault proxy of the repository (bench/faults and the integration tests).
 *
 * - `pause()`: accepted connections stay open but nothing is forwarded either way, and new connections are
 *   accepted and held too: what a client sees of a hung server or a silent network partition.
 * - `reset()`: every open connection is destroyed (a crashed server, a firewall reset); with `refuse`, new
 *   connections are refused until `resume()` (the server is down).
 * - `resume()`: forwarding again; held connections go on where they stopped.
 */
export class TcpFaultProxy {
  private server: net.Server | undefined;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private paused = false;
  private refusing = false;
  port = 0;
  /** Connections refused while refusing: how a test knows the client kept trying. */
  refused = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  get url(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The URL with its host and port replaced by the proxy's (e.g. a DATABASE_URL through the proxy). */
  urlFor(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  async start(): Promise<number> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  pause(): void {
    this.paused = true;
    for (const { client, upstream } of this.pairs) {
      client.pause();
      upstream.pause();
    }
  }

  /** Destroys every connection; with `refuse`, new ones are refused until resume(). */
  reset(refuse = false): void {
    this.refusing = refuse;
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  resume(): void {
    this.paused = false;
    this.refusing = false;
    for (const { client, upstream } of this.pairs) {
      client.resume();
      upstream.resume();
    }
  }

  get connections(): number {
    return this.pairs.size;
  }

  async stop(): Promise<void> {
    this.reset();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.refusing) {
      this.refused++;
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const close = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    // Plain 'data' forwarding rather than pipe(): pipe() resumes a source on 'drain', which would undo pause().
    // A paused socket stops reading, so bytes pile up in the kernel, as on a hung link.
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    if (this.paused) {
      client.pause();
      upstream.pause();
    }
  }
}
