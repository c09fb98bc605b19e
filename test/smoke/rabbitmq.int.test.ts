import { connectAmqp, type AmqpConnection } from '../../src/infra/amqp';
import { createNamespace } from '../support/namespace';

describe('RabbitMQ over a real connection', () => {
  const ns = createNamespace('smoke-amqp');
  let connection: AmqpConnection;

  beforeAll(async () => {
    connection = await connectAmqp(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  });
  afterAll(async () => {
    const channel = await connection.createChannel();
    await channel.deleteQueue(ns.queue);
    await connection.close();
  });

  it('publishes to a durable queue with a publisher confirm, then consumes and acks', async () => {
    const publisher = await connection.createConfirmChannel();
    const declared = await publisher.assertQueue(ns.queue, { durable: true });
    expect(declared.queue).toBe(ns.queue);
    const body = Buffer.from(JSON.stringify({ messageId: 'm-1', text: 'Hello' }));
    await new Promise<void>((resolve, reject) =>
      publisher.sendToQueue(ns.queue, body, { persistent: true, messageId: 'm-1' }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    await publisher.waitForConfirms();

    const consumer = await connection.createChannel();
    const received = await new Promise<{ body: string; messageId: unknown; deliveryMode: unknown }>(
      (resolve) => {
        void consumer.consume(ns.queue, (message) => {
          if (!message) return;
          consumer.ack(message);
          resolve({
            body: message.content.toString(),
            messageId: message.properties.messageId,
            deliveryMode: message.properties.deliveryMode,
          });
        });
      },
    );
    expect(received).toEqual({ body: body.toString(), messageId: 'm-1', deliveryMode: 2 });
    await consumer.close();

    // Acked: nothing is left in the queue.
    const after = await publisher.checkQueue(ns.queue);
    expect(after.messageCount).toBe(0);
    await publisher.close();
  });
});
