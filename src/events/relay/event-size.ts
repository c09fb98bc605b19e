/**
 * How large an event (and so a Kafka record) can get, derived from the HTTP body limit, so that every request the
 * bridge acknowledges can also be relayed. One refused record stops the relay for every stream behind it.
 *
 * The largest event is a WebhookReceived of a Genesys body at the limit (Meta webhooks are split into parts of at
 * most META_WEBHOOK_PART_BUDGET_BYTES, well below). Since v3 it holds the body twice: verbatim as `rawBody`, and
 * translated as `content`. Its size as a Kafka record is bounded by:
 *
 *   rawBody, JSON-escaped          ≤ 2 × body limit  (a valid UTF-8 JSON body holds no raw control character but
 *                                                     \t \n \r; those, `"` and `\` escape to 2 bytes, the rest
 *                                                     is copied)
 *   content, serialised            ≤ 1 × body limit + a few hundred bytes (below)
 *   ids, vetted attachment,
 *   signature, envelope, record    ≤ EVENT_OVERHEAD_BYTES  (ids at most 512 characters, the attachment's URL 8192,
 *                                                     file name 1024, MIME types 255: at 6 bytes per escaped code
 *                                                     unit under 80 KiB; the signature header under Node's 16 KiB
 *                                                     header limit; envelope, key, headers and record batch
 *                                                     framing < 4 KiB)
 *
 *   TOPIC_MAX_MESSAGE_BYTES = 3 × HTTP_BODY_LIMIT_BYTES + EVENT_OVERHEAD_BYTES  (3.5 MiB for a 1 MiB body limit)
 *
 * Why the content costs no more than the body it came from (src/events/schemas/webhook-translation.ts):
 * - A string is copied, or cut (a MIME type's parameters), or its ASCII letters lower-cased: never longer. Written
 *   by JSON.stringify it costs no more bytes than the body spent on it: JSON.stringify escapes only `"` and `\`
 *   (2 bytes, as the body must), control characters (the 2-byte short form where one exists, which the body may
 *   use too, else `\u00XX`, which the body must use too) and lone surrogates (refused at the edge); any other
 *   character is written as its UTF-8 bytes, which the body wrote as those same bytes or as a longer `\uXXXX`.
 * - Each content item of the body becomes at most one item of the content, under the same member names and
 *   without its wrapper (`{"contentType":"Attachment","attachment":{…}}` becomes `{…}`; an unhandled item becomes
 *   its contentType string): at least 20 bytes saved per item, more than a number can grow (a size written `1e15`
 *   is written back in at most 16 digits: at most 15 bytes more). A carousel's cards keep the body's commas. An
 *   absent list stays absent (a card without buttons has no `actions`), so no item grows by an empty default.
 * - What remains is a constant: the content's own keys and empty lists, and the one template whose header and
 *   footer members are renamed (`"header":{"text":…}` becomes `"headerText":…`) and whose two parameter lists
 *   are always written: under 300 bytes.
 *
 * Topics are created with that `max.message.bytes`, and a relay raises it at start on an existing topic whose limit
 * is lower (ensure-topics.ts), so topics created for v2 events (2.5 MiB) are raised to it. The broker's own
 * `message.max.bytes` only applies to topics that do not set theirs. src/events/relay/event-size.test.ts builds
 * the worst case and checks it fits.
 */

/** The HTTP body limit of every route that does not set its own (src/http/app.ts). */
export const HTTP_BODY_LIMIT_BYTES = 1024 * 1024;

/** Room for everything in an event besides its JSON-escaped raw body and its content (see above). */
export const EVENT_OVERHEAD_BYTES = 512 * 1024;

/** The largest Kafka record an event can make, for a given body limit. */
export const maxEventBytes = (bodyLimitBytes: number = HTTP_BODY_LIMIT_BYTES): number =>
  3 * bodyLimitBytes + EVENT_OVERHEAD_BYTES;

/** `max.message.bytes` every relay topic needs. */
export const TOPIC_MAX_MESSAGE_BYTES = maxEventBytes();

/**
 * Keys plus values per relay send. kafkajs puts one send's messages for a partition into one record batch, which
 * must stay under the topic's limit: the per-record framing and headers (under 150 bytes each, at most 2000
 * records per relay page) fit in the overhead; a single larger event still goes alone (see toProduceChunks).
 */
export const RELAY_MAX_SEND_BYTES = 2 * HTTP_BODY_LIMIT_BYTES;
