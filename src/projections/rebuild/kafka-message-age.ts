import type { Admin } from 'kafkajs';

const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * The timestamp of the message at `offset` of a partition, without consuming it: Kafka answers "the first offset
 * whose timestamp is at or after T" (ListOffsets by time), so bisecting T finds the latest T that still lands at
 * or before `offset`, i.e. that message's timestamp, to within `precisionMs`. About 25 cheap admin requests,
 * instead of joining a consumer group just to read one message. Assumes timestamps rise with offsets, which holds
 * for the relay's producer-stamped messages.
 */
export const messageTimestamp = async (
  admin: Admin,
  topic: string,
  partition: number,
  offset: bigint,
  now = Date.now(),
  precisionMs = 20,
): Promise<number> => {
  const firstAtOrAfter = async (time: number): Promise<bigint | null> => {
    const answer = await admin.fetchTopicOffsetsByTimestamp(topic, time);
    const found = answer.find((entry) => entry.partition === partition)?.offset;
    return found === undefined || BigInt(found) < 0n ? null : BigInt(found);
  };
  let low = now - WEEK_MS; // lands at or before `offset` (or the message is older than that: report a week)
  let high = now + 1000; // lands after it
  while (high - low > precisionMs) {
    const middle = Math.floor((low + high) / 2);
    const found = await firstAtOrAfter(middle);
    if (found !== null && found <= offset) low = middle;
    else high = middle;
  }
  return low;
};
