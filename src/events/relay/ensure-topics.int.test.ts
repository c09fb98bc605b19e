import { ConfigResourceTypes } from 'kafkajs';
import { ensureTopics } from './ensure-topics';
import { TOPIC_MAX_MESSAGE_BYTES } from './event-size';
import { createKafkaTestEnv, type KafkaTestEnv } from './testing/kafka-test-env';

jest.setTimeout(60_000);

let env: KafkaTestEnv;

beforeAll(async () => {
  env = await createKafkaTestEnv('ensuretopics', 1);
});

afterAll(() => env.cleanup());

const configOf = async (topic: string): Promise<Record<string, string>> => {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      includeSynonyms: false,
    });
    return Object.fromEntries(
      resources[0]!.configEntries.map((entry) => [entry.configName, entry.configValue]),
    );
  } finally {
    await admin.disconnect();
  }
};

describe('ensureTopics', () => {
  it('creates topics that take the largest event, and raises an existing one that is too small', async () => {
    const [created, existing] = env.topics.map(({ name }) => name);
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      // Created elsewhere, with the broker's usual 1 MiB limit and an override of its own to keep.
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: existing!,
            numPartitions: 1,
            configEntries: [
              { name: 'max.message.bytes', value: '1048588' },
              { name: 'retention.ms', value: '-1' },
            ],
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }

    expect(await ensureTopics(env.kafka, env.topics)).toEqual([]);

    expect(await configOf(created!)).toMatchObject({
      'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES),
      'retention.ms': '-1',
    });
    expect(await configOf(existing!)).toMatchObject({
      'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES),
      'retention.ms': '-1',
    });
  });
});
