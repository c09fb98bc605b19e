import type { Admin, Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { createKafka } from '../../src/infra/kafka';
import { createNamespace } from '../support/namespace';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** Consumes with a fresh consumer of `groupId` until `count` messages came, commits them, and disconnects. */
const consumeAndCommit = async (kafka: Kafka, topic: string, groupId: string, count: number) => {
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ message, partition }: EachMessagePayload) => {
          values.push(message.value!.toString());
          await consumer.commitOffsets([
            { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
          ]);
          if (values.length === count) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return values;
};

describe('Kafka (our 3.9 broker) through kafkajs 2.2.4', () => {
  const ns = createNamespace('smoke-kafka');
  const topic = `${ns.topicPrefix}smoke`;
  const groupId = `${ns.topicPrefix}group`;
  const kafka = createKafka(brokers, `smoke-${ns.id}`);
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates a topic, produces with acks=-1, and a second consumer of the group resumes after the commit', async () => {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(
      true,
    );
    const producer = kafka.producer();
    await producer.connect();
    const first = await producer.send({
      topic,
      acks: -1,
      messages: ['m1', 'm2', 'm3'].map((value) => ({
        key: 'conv-1',
        value,
        headers: { 'event-type': 'Test' },
      })),
    });
    expect(first[0]!.errorCode).toBe(0);

    expect(await consumeAndCommit(kafka, topic, groupId, 3)).toEqual(['m1', 'm2', 'm3']);

    await producer.send({ topic, acks: -1, messages: [{ key: 'conv-1', value: 'm4' }] });
    await producer.disconnect();

    // A new consumer in the same group starts after the committed offset: m4 only, nothing replayed.
    expect(await consumeAndCommit(kafka, topic, groupId, 1)).toEqual(['m4']);
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets[0]!.partitions[0]!.offset).toBe('4');
  });
});
