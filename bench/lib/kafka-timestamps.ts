import { OUTBOUND_MESSAGES_TOPIC } from '../../src/events/relay/topic-routing';
import { readTopics } from '../../src/events/relay/testing/read-topics';
import type { Config } from '../../src/infra/config';
import { createKafka } from '../../src/infra/kafka';

/**
 * The producer timestamps (CreateTime: when the relay handed the batch to kafkajs) of every event of one type on
 * the outbound topic, by event id. With the events' recorded_at they split "append → consumer" into the relay's
 * part and Kafka + the consumer's part. Reads the topic from the start to every partition's end at the time of the
 * call.
 */
export const relayTimestamps = async (
  config: Config,
  eventType: string,
  timeoutMs = 60_000,
): Promise<Map<string, number>> => {
  const kafka = createKafka(config.KAFKA_BROKERS, `${config.KAFKA_CLIENT_ID}-timestamps`);
  const records = await readTopics(
    kafka,
    [`${config.KAFKA_TOPIC_PREFIX}${OUTBOUND_MESSAGES_TOPIC}`],
    timeoutMs,
  );
  return new Map(
    records
      .filter((record) => record.eventType === eventType)
      .map((record) => [record.event.eventId, record.timestamp]),
  );
};
