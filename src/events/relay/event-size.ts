/**
 * How large an event (and so a Kafka record) can get, derived from the HTTP body limit, so that every request the
 * bridge acknowledges can also be relayed. One refused record stops the relay for every stream behind it.
 *
 * The largest event is a WebhookReceived of a Genesys body at the limit (Meta webhooks are split into parts of at
 * most META_WEBHOOK_PART_BUDGET_BYTES, well below). Its size as a Kafka record is bounded by:
 *
 *   rawBody, JSON-escaped          ≤ 2 × body limit  (a valid UTF-8 JSON body holds no raw control character but
 *                                                     \t \n \r; those, `"` and `\` escape to 2 bytes, the rest
 *                                                     is copied)
 *   summary + envelope + record    ≤ EVENT_OVERHEAD_BYTES  (v2 summary texts are previews of at most 256 code
 *                                                     units, lists at most 32 items, ids at most 512 characters;
 *                                                     at 6 bytes per escaped code unit that is under 256 KiB;
 *                                                     envelope, key, headers and record batch framing add < 4 KiB)
 *
 *   TOPIC_MAX_MESSAGE_BYTES = 2 × HTTP_BODY_LIMIT_BYTES + EVENT_OVERHEAD_BYTES  (2.5 MiB for a 1 MiB body limit)
 *
 * Topics are created with that `max.message.bytes` and checked at every relay start; the broker's own
 * `message.max.bytes` only applies to topics that do not set theirs. src/events/relay/event-size.test.ts builds
 * the worst case and checks it fits.
 */

/** The HTTP body limit of every route that does not set its own (src/http/app.ts). */
export const HTTP_BODY_LIMIT_BYTES = 1024 * 1024;

/** Room for everything in an event besides its JSON-escaped raw body. */
export const EVENT_OVERHEAD_BYTES = 512 * 1024;

/** The largest Kafka record an event can make, for a given body limit. */
export const maxEventBytes = (bodyLimitBytes: number = HTTP_BODY_LIMIT_BYTES): number =>
  2 * bodyLimitBytes + EVENT_OVERHEAD_BYTES;

/** `max.message.bytes` every relay topic needs. */
export const TOPIC_MAX_MESSAGE_BYTES = maxEventBytes();

/**
 * Keys plus values per relay send. kafkajs puts one send's messages for a partition into one record batch, which
 * must stay under the topic's limit: the per-record framing and headers (under 150 bytes each, at most 2000
 * records per relay page) fit in the overhead; a single larger event still goes alone (see toProduceChunks).
 */
export const RELAY_MAX_SEND_BYTES = 2 * HTTP_BODY_LIMIT_BYTES;
