import amqp from 'amqplib';
import { createNamespace } from '../../../test/support/namespace';
import { createLogger } from '../../infra/logger';
import { ConfirmPublisher, PublisherStoppedError } from './confirm-publisher';
import { readQueue, type QueueReader } from '../../../test/bridges/support/queue-reader';
import {
  cutConnections,
  findConnections,
  rejectPublishesTo,
} from '../../../test/bridges/support/rabbitmqctl';

jest.setTimeout(120_000);

const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

let publisher: ConfirmPublisher;
let reader: QueueReader | undefined;
let queue: string;
let connectionName: string;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  const ns = createNamespace('confirm-pub');
  queue = ns.queue;
  connectionName = `test-publisher ${ns.id}`;
  publisher = new ConfirmPublisher({
    url,
    queue,
    connectionName,
    logger,
    backoff: { initialMs: 50, maxMs: 500 },
  });
});

afterEach(async () => {
  await publisher.stop();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await reader?.close();
  reader = undefined;
  // Each test's queue, whether or not a reader was opened on it (the publisher declares it).
  const connection = await amqp.connect(url);
  await (await connection.createChannel()).deleteQueue(queue);
  await connection.close();
});

const publishNumbered = (from: number, count: number, padding = ''): Promise<void>[] =>
  Array.from({ length: count }, (_, i) =>
    publisher.publish(Buffer.from(JSON.stringify({ n: from + i, ...(padding ? { padding } : {}) })), {
      messageId: `m-${from + i}`,
      contentType: 'application/json',
    }),
  );

const waitFor = async (condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('ConfirmPublisher', () => {
  it('declares the durable queue and publishes persistent messages with their id and content type', async () => {
    await Promise.all(publishNumbered(0, 1));
    reader = await readQueue(url, queue);
    await reader.waitUntil((received) => received.length === 1);
    expect(reader.received).toEqual([
      { body: '{"n":0}', messageId: 'm-0', contentType: 'application/json', deliveryMode: 2 },
    ]);
    // Declaring it as not durable must fail: the broker holds it as durable.
    const connection = await amqp.connect(url);
    connection.on('error', () => undefined);
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await expect(channel.assertQueue(queue, { durable: false })).rejects.toThrow(/PRECONDITION_FAILED/);
    await connection.close().catch(() => undefined);
  });

  it('loses nothing when its connection is cut while publishes are in flight', async () => {
    reader = await readQueue(url, queue);
    publisher.start();
    await waitFor(() => publisher.isConnected);

    // Publish a steady stream of 8 KiB messages for as long as each cut takes (rabbitmqctl needs about a
    // second), so that the broker closes the connection under publishes it has not confirmed yet.
    const padding = 'x'.repeat(8 * 1024);
    const sending: Promise<void>[] = [];
    const publishWhile = async (cut: Promise<number>) => {
      let isCut = false;
      void cut.finally(() => (isCut = true));
      while (!isCut) {
        sending.push(...publishNumbered(sending.length, 20, padding));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await cut).toBe(1);
    };
    // Whether a cut lands on an unconfirmed publish is a race the broker decides (on a quiet machine confirms come
    // back within microseconds): cut again, up to six times, until one did, so the retry path is always exercised.
    let cuts = 0;
    while (cuts < 2 || (publisher.stats.retriedPublishes === 0 && cuts < 6)) {
      await publishWhile(cutConnections(connectionName));
      cuts++;
    }
    sending.push(...publishNumbered(sending.length, 100));
    await Promise.all(sending);

    const expected = Array.from({ length: sending.length }, (_, i) => `m-${i}`);
    await reader.waitUntil((received) => new Set(received.map((m) => m.messageId)).size === expected.length);
    expect(new Set(reader.received.map((m) => m.messageId))).toEqual(new Set(expected));
    expect(publisher.stats.connections).toBe(cuts + 1);
    expect(publisher.stats.retriedPublishes).toBeGreaterThan(0);
    expect(await findConnections(connectionName)).toHaveLength(1);
  });

  it('re-declares a queue deleted under it instead of letting the broker drop the messages', async () => {
    publisher.start();
    await waitFor(() => publisher.isConnected);
    const connection = await amqp.connect(url);
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await connection.close();

    await Promise.all(publishNumbered(0, 3));
    reader = await readQueue(url, queue);
    await reader.waitUntil((received) => received.length === 3);
    // Sent again after the broker returned them: in no particular order.
    expect(reader.received.map((m) => m.messageId).sort()).toEqual(['m-0', 'm-1', 'm-2']);
    expect(publisher.stats.connections).toBe(1);
    expect(publisher.stats.retriedPublishes).toBe(3);
  });

  it('re-declares a queue deleted while it was away', async () => {
    publisher.start();
    await waitFor(() => publisher.isConnected);
    const connection = await amqp.connect(url);
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await connection.close();

    await cutConnections(connectionName);
    await waitFor(() => !publisher.isConnected, 5000).catch(() => undefined);
    await Promise.all(publishNumbered(0, 3));
    reader = await readQueue(url, queue);
    await reader.waitUntil((received) => received.length === 3);
    expect(reader.received.map((m) => m.messageId)).toEqual(['m-0', 'm-1', 'm-2']);
  });

  it('keeps publishing a message the broker refuses until the broker takes it', async () => {
    publisher.start();
    await waitFor(() => publisher.isConnected);
    const allow = await rejectPublishesTo(queue);
    cleanups.push(allow);
    let isConfirmed = false;
    const publishing = Promise.all(publishNumbered(0, 1)).then(() => {
      isConfirmed = true;
    });
    await waitFor(() => publisher.stats.retriedPublishes >= 3);
    expect(isConfirmed).toBe(false);

    await allow();
    cleanups.splice(cleanups.indexOf(allow), 1);
    await publishing;
    reader = await readQueue(url, queue);
    await reader.waitUntil((received) => received.length >= 1);
    expect(reader.received[0]!.messageId).toBe('m-0');
  });

  it('rejects publishes still waiting for a confirm when it is stopped', async () => {
    publisher.start();
    await waitFor(() => publisher.isConnected);
    cleanups.push(await rejectPublishesTo(queue));
    const publishing = Promise.all(publishNumbered(0, 5));
    await waitFor(() => publisher.stats.retriedPublishes >= 5);

    await publisher.stop();
    await expect(publishing).rejects.toBeInstanceOf(PublisherStoppedError);
    await expect(Promise.all(publishNumbered(5, 1))).rejects.toBeInstanceOf(PublisherStoppedError);
    expect(await findConnections(connectionName)).toEqual([]);
  });
});
