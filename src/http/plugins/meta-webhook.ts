import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { encodeEvent } from '../../events/encode';
import { EventEncodeError } from '../../events/event-errors';
import { toMetaWebhookParts } from '../../events/schemas/meta-webhook-parts';
import {
  META_WEBHOOK_TENANT_ID,
  metaWebhookStreamId,
  type MetaWebhookReceivedData,
} from '../../events/schemas/meta-webhook-received';
import { ExpectedVersionConflict, type EventStore } from '../../events/store/types';
import { errorSchema, HttpError } from '../errors';
import { hasUnstorableText, keepRawJsonBodies, parseJson } from '../raw-json';
import { parseBody } from '../request-input';
import { DEFAULT_WEBHOOK_STORE_TIMEOUT_MS, withinDeadline } from '../store-deadline';
import { metaStatusesOf, metaWebhookSchema } from '../schemas/meta-webhook';
import { isValidMetaSignature } from '../signatures';
import { requestLogOutage, type StoreOutage } from '../store-outage';
import type { InboundRecorder } from '../../commands/customer/inbound-recorder';

export interface MetaWebhookOptions {
  store: EventStore;
  /** META_APP_SECRET: the HMAC key of `X-Hub-Signature-256`. Unset: every POST is refused with 503. */
  appSecret: string | undefined;
  /** META_VERIFY_TOKEN: what Meta must present in the GET handshake. Unset: every handshake is refused. */
  verifyToken: string | undefined;
  onAccepted?: (outcome: { duplicate: boolean; statuses: number }) => void;
  /** Malformed statuses left out of an accepted batch (bridge_meta_invalid_statuses_total). */
  onInvalidStatuses?: (count: number) => void;
  /** WEBHOOK_STORE_TIMEOUT_MS: the append answers 503 past it. */
  storeTimeoutMs?: number;
  /** Where PostgreSQL failures go: one line when an outage starts, reminders, one when it ends. */
  storeOutage?: StoreOutage;
  /**
   * Records the inbound customer messages of a stored webhook on their customer streams, before the answer, so that
   * webhooks Meta sends one after the other keep their order. A failure here does not fail the webhook: it is
   * stored, and processor.inbound records the messages from it.
   */
  inbound?: Pick<InboundRecorder, 'recordBody'>;
}

/**
 * Meta may batch up to 1000 updates in one POST; the default 1 MiB limit of the app could refuse a full batch of
 * failed statuses (each carries its error texts), and a refused batch is lost after Meta's 7 days of retries.
 */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/** Meta's challenge is a number; anything much longer is not a handshake and is not echoed. */
const MAX_CHALLENGE_LENGTH = 256;

const acceptedSchema = {
  type: 'object',
  properties: {
    accepted: { type: 'boolean' },
    eventId: { type: 'string' },
    duplicate: { type: 'boolean' },
    statuses: { type: 'integer' },
    invalidStatuses: { type: 'integer' },
  },
  required: ['accepted', 'eventId', 'duplicate', 'statuses', 'invalidStatuses'],
} as const;

/** Compares two strings in constant time, whatever their lengths. */
const isSameText = (expected: string, given: string): boolean =>
  timingSafeEqual(
    createHash('sha256').update(expected).digest(),
    createHash('sha256').update(given).digest(),
  );

/**
 * The event id of one part, derived from the body's hash: a retried webhook re-appends the same ids, which the
 * store answers as a duplicate. Formatted as a version 8 (custom) RFC 9562 uuid.
 */
const partEventId = (webhookId: string, part: number): string => {
  const bytes = createHash('sha256').update(`meta-webhook:${webhookId}:${part}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const toNewEvents = (parts: MetaWebhookReceivedData[]) =>
  parts.map((data) =>
    encodeEvent(
      { type: 'MetaWebhookReceived', data },
      {
        tenantId: META_WEBHOOK_TENANT_ID,
        conversationId: null,
        eventId: partEventId(data.webhookId, data.part),
        occurredAt: data.receivedAt,
      },
    ),
  );

/**
 * The events, or 422 when a value passed the request schema but not the event schema: the same body would fail
 * the same way on every Meta retry, so a 5xx would only repeat it for seven days.
 */
const toNewEventsOrRefuse = (parts: MetaWebhookReceivedData[]) => {
  try {
    return toNewEvents(parts);
  } catch (error) {
    if (!(error instanceof EventEncodeError)) throw error;
    throw new HttpError(422, 'SchemaMismatch', 'The webhook holds a value the bridge cannot record', {
      issues: error.issues.map((issue) => ({ path: issue.path, message: issue.code })),
    });
  }
};

/**
 * GET /webhook/meta: the subscription handshake. POST /webhook/meta: WhatsApp Business Account webhooks. A POST is
 * checked in order for its signature (hex HMAC-SHA256 of the raw bytes with the app secret), JSON, and schema,
 * then recorded as one append (MetaWebhookReceived, stream per body hash, expected position 0), and only then
 * answered 200. Statuses are applied to their messages later, by the status processor. A malformed status does not
 * fail its batch: it is left out of the recorded statuses and reported (`invalidStatuses`); only a body that is not
 * a WhatsApp Business Account webhook at all is refused.
 */
export const metaWebhookPlugin: FastifyPluginAsync<MetaWebhookOptions> = async (app, options) => {
  keepRawJsonBodies(app);

  app.get(
    '/webhook/meta',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            'hub.mode': { type: 'string' },
            'hub.verify_token': { type: 'string' },
            'hub.challenge': { type: 'string' },
          },
        },
        response: { 200: { type: 'string' }, 403: errorSchema },
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const token = query['hub.verify_token'];
      const challenge = query['hub.challenge'];
      const isVerified =
        options.verifyToken !== undefined &&
        query['hub.mode'] === 'subscribe' &&
        token !== undefined &&
        isSameText(options.verifyToken, token) &&
        challenge !== undefined &&
        challenge.length > 0 &&
        challenge.length <= MAX_CHALLENGE_LENGTH;
      if (!isVerified) {
        throw new HttpError(
          403,
          'VerificationFailed',
          'hub.mode or hub.verify_token is not what this bridge expects',
        );
      }
      // Meta expects the challenge back as the whole body.
      return reply
        .code(200)
        .header('x-content-type-options', 'nosniff')
        .type('text/plain; charset=utf-8')
        .send(challenge);
    },
  );

  app.post(
    '/webhook/meta',
    {
      bodyLimit: BODY_LIMIT_BYTES,
      schema: {
        headers: { type: 'object', properties: { 'x-hub-signature-256': { type: 'string' } } },
        response: {
          200: acceptedSchema,
          400: errorSchema,
          401: errorSchema,
          413: errorSchema,
          422: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request) => {
      const receivedAt = new Date().toISOString();
      if (options.appSecret === undefined) {
        request.log.error('META_APP_SECRET is not set: Meta webhooks cannot be verified');
        throw new HttpError(503, 'NotConfigured', 'This bridge cannot verify Meta webhooks yet; retry later');
      }
      const raw = request.rawBody ?? Buffer.alloc(0);
      const header = request.headers['x-hub-signature-256'];
      const signature = typeof header === 'string' ? header.trim() : undefined;
      if (signature === undefined || !isValidMetaSignature(options.appSecret, raw, signature)) {
        throw new HttpError(401, 'SignatureMismatch', 'X-Hub-Signature-256 does not match the body');
      }

      const json = parseJson(raw);
      if (!json.ok) throw new HttpError(400, 'MalformedJson', 'The body is not valid JSON');
      // Otherwise the append fails on every Meta retry (503) and the batch is lost after seven days.
      if (hasUnstorableText(json.value)) {
        throw new HttpError(400, 'MalformedJson', 'The body holds U+0000 or an unpaired surrogate');
      }
      const webhook = parseBody(
        metaWebhookSchema,
        json.value,
        'The body is not a WhatsApp Business Account webhook',
      );

      const rawBody = raw.toString('utf8');
      // JSON is UTF-8 (RFC 8259); a body that is not would be stored altered and fail a later signature check.
      if (!Buffer.from(rawBody, 'utf8').equals(raw)) {
        throw new HttpError(400, 'MalformedJson', 'The body is not valid UTF-8');
      }
      // A malformed status is reported (here, in the event and as a metric) and left out; the valid ones are
      // recorded and applied: refusing the batch would lose them all after Meta's seven days of retries.
      const { statuses, invalid, invalidCount } = metaStatusesOf(webhook);
      if (invalidCount > 0) {
        request.log.warn(
          {
            invalidStatuses: invalidCount,
            paths: invalid.map((status) => status.path),
            issues: invalid[0]?.issues,
          },
          'Meta webhook holds malformed statuses: recorded without them',
        );
        options.onInvalidStatuses?.(invalidCount);
      }
      const parts = toMetaWebhookParts({
        rawBody,
        signature,
        receivedAt,
        statuses,
        ...(invalidCount > 0 ? { invalidStatuses: invalid, invalidStatusCount: invalidCount } : {}),
      });
      const events = toNewEventsOrRefuse(parts);
      const duplicate = await withinDeadline(
        options.store.appendToStream(metaWebhookStreamId(parts[0]!.webhookId), 0, events, {
          correlationId: request.id,
        }),
        options.storeTimeoutMs ?? DEFAULT_WEBHOOK_STORE_TIMEOUT_MS,
      )
        .then((result) => {
          options.storeOutage?.recovered();
          return result.duplicate;
        })
        .catch((error: Error) => {
          // The same body is stored already (a Meta retry racing its original): nothing new to record.
          if (error instanceof ExpectedVersionConflict) return true;
          // Nothing was acknowledged: Meta retries on 5xx, and the append is idempotent when it does.
          (options.storeOutage ?? requestLogOutage(request.log)).failure(error.message, {
            reqId: request.id,
            during: 'append MetaWebhookReceived',
          });
          throw new HttpError(503, 'StoreUnavailable', 'The webhook could not be stored; retry later');
        });

      if (
        options.inbound &&
        webhook.entry.some((entry) => entry.changes.some((change) => change.value.messages?.length))
      ) {
        const webhookId = parts[0]!.webhookId;
        await withinDeadline(
          options.inbound.recordBody(json.value, webhookId, {
            eventId: events[0]!.eventId,
            correlationId: request.id,
          }),
          options.storeTimeoutMs ?? DEFAULT_WEBHOOK_STORE_TIMEOUT_MS,
        ).catch((error: Error) =>
          request.log.warn({ err: error.message, webhookId }, 'inbound messages left to processor.inbound'),
        );
      }
      options.onAccepted?.({ duplicate, statuses: statuses.length });
      return {
        accepted: true,
        eventId: events[0]!.eventId,
        duplicate,
        statuses: statuses.length,
        invalidStatuses: invalidCount,
      };
    },
  );
};
