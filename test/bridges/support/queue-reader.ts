/** Reads a queue the way a legacy consumer does, on a connection of its own, and keeps everything it received. */
import amqp from 'amqplib';

type ChannelModel = Awaited<ReturnType<typeof amqp.connect>>;

export interface ReceivedMessage {
  body: string;
  messageId: unknown;
  contentType: unknown;
  deliveryMode: unknown;
}

export interface QueueReader {
  readonly received: ReceivedMessage[];
  /** Resolves once `predicate` holds for what was received so far. */
  waitUntil(predicate: (received: ReceivedMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const readQueue = async (url: string, queue: string): Promise<QueueReader> => {
  const connection: ChannelModel = await amqp.connect(url, {
    clientProperties: { connection_name: `test-reader ${queue}` },
  });
  connection.on('error', () => undefined);
  const channel = await connection.createChannel();
  await channel.assertQueue(queue, { durable: true });
  const received: ReceivedMessage[] = [];
  await channel.consume(queue, (message) => {
    if (!message) return;
    received.push({
      body: message.content.toString('utf8'),
      messageId: message.properties.messageId,
      contentType: message.properties.contentType,
      deliveryMode: message.properties.deliveryMode,
    });
    channel.ack(message);
  });
  return {
    received,
    waitUntil: async (predicate, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(`queue ${queue}: condition not met, ${received.length} received`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: async () => {
      await channel.deleteQueue(queue).catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
};
