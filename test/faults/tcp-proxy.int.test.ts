import net from 'node:net';
import { TcpFaultProxy } from '../../bench/lib/faults/tcp-proxy';

/** An echo server on a free loopback port: what the proxy forwards to. */
const startEcho = async (): Promise<net.Server> => {
  const server = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return server;
};

const connect = (port: number) =>
  new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });

/** The next data the socket receives, or 'timeout' after `ms`, or 'closed'. */
const nextData = (socket: net.Socket, ms: number) =>
  new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    socket.once('data', (data: Buffer) => {
      clearTimeout(timer);
      resolve(data.toString());
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });

describe('TcpFaultProxy (bench fault injection)', () => {
  let echo: net.Server;
  let proxy: TcpFaultProxy;

  beforeEach(async () => {
    echo = await startEcho();
    proxy = new TcpFaultProxy((echo.address() as net.AddressInfo).port);
    await proxy.start();
  });
  afterEach(async () => {
    await proxy.stop();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('forwards both ways, holds the bytes while paused and delivers them on resume', async () => {
    const socket = await connect(proxy.port);
    socket.write('one');
    expect(await nextData(socket, 2000)).toBe('one');

    proxy.pause();
    socket.write('two');
    expect(await nextData(socket, 300)).toBe('timeout');
    const answer = nextData(socket, 2000);
    proxy.resume();
    expect(await answer).toBe('two');
    socket.destroy();
  });

  it('reset closes open connections, and with refuse turns new ones away until resume', async () => {
    const socket = await connect(proxy.port);
    const closed = nextData(socket, 2000);
    proxy.reset(true);
    expect(await closed).toBe('closed');

    const refused = await connect(proxy.port);
    expect(await nextData(refused, 2000)).toBe('closed');

    proxy.resume();
    const again = await connect(proxy.port);
    again.write('three');
    expect(await nextData(again, 2000)).toBe('three');
    again.destroy();
  });
});
