import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { handleOutboundMessageCommand } from '../../commands/outbound-message/handler';
import { EventEncodeError } from '../../events/event-errors';
import { webhookReceivedDataSchema } from '../../events/schemas/webhook-received';
import type { EventStore } from '../../events/store/types';
import type { TenantDirectory } from '../../tenants/tenant-directory';
import { errorSchema, HttpError } from '../errors';
import { hasUnstorableText, keepRawJsonBodies, parseJson } from '../raw-json';
import { parseBody } from '../request-input';
import { DEFAULT_WEBHOOK_STORE_TIMEOUT_MS, withinDeadline } from '../store-deadline';
import { requestLogOutage, type StoreOutage } from '../store-outage';
import { genesysWebhookSchema } from '../../contracts/genesys/outbound-webhook';
import { genesysSignatureDigest, matchesGenesysDigest } from '../signatures';
import { toReceiveWebhook } from '../webhook-to-command';
import {
  isInboundReceipt,
  recordInboundReceipt,
  type InboundMessageStreams,
} from '../genesys-inbound-receipt';

export interface GenesysWebhookOptions {
  store: EventStore;
  directory: Pick<TenantDirectory, 'resolveIntegration'>;
  onAccepted?: (outcome: { tenantId: string; duplicate: boolean; messageType: string }) => void;
  /** Finds the customer message a Genesys inbound receipt is about; absent: such receipts are refused (422). */
  inboundMessages?: InboundMessageStreams;
  /** WEBHOOK_STORE_TIMEOUT_MS: the integration lookup and the append each answer 503 past it. */
  storeTimeoutMs?: number;
  /** Where PostgreSQL failures go: one line when an outage starts, reminders, one when it ends. */
  storeOutage?: StoreOutage;
}

const acceptedSchema = {
  type: 'object',
  properties: { accepted: { type: 'boolean' }, eventId: { type: 'string' }, duplicate: { type: 'boolean' } },
  required: ['accepted', 'eventId', 'duplicate'],
} as const;

const integrationIdOf = (body: unknown): string | undefined => {
  const channel = (body as { channel?: { id?: unknown } } | null)?.channel;
  return typeof channel?.id === 'string' && channel.id.length > 0 ? channel.id : undefined;
};

/**
 * Checked against when the integration is unknown or disabled, so that such a request costs the same HMAC as one
 * with a wrong signature for a real integration: neither the answer nor its timing tells which ids exist.
 */
const DECOY_SECRET = randomBytes(32).toString('base64');

const cannotRecord = (issues: { path: string; message: string }[]) =>
  new HttpError(422, 'SchemaMismatch', 'The webhook holds a value the bridge cannot record', { issues });

/**
 * The event the webhook becomes, checked by the event's own schema before the append: the request schema is
 * looser in places (unknown fields pass), and a value the event refuses would fail the append on every Genesys
 * retry (503 forever). The event schema is the one owner of the limits; this answers 422 for any it finds.
 */
const refuseUnrecordable = (command: ReturnType<typeof toReceiveWebhook>): void => {
  const { type: _type, ...data } = command;
  const isSendable = data.messageType === 'Text' || data.messageType === 'Structured';
  const parsed = webhookReceivedDataSchema.safeParse({ ...data, isSendable });
  if (!parsed.success) {
    throw cannotRecord(
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
};

const signatureMismatch = () =>
  new HttpError(401, 'SignatureMismatch', 'X-Hub-Signature-256 does not match the body');

/**
 * POST /webhook/genesys: Genesys Open Messaging outbound webhooks. Checks, in order: JSON, the signature header's
 * form (before any lookup), integration, signature (with that integration's secret), schema; then appends
 * WebhookReceived expecting a new stream, and only then answers 200. An unknown integration and a wrong signature
 * get the same 401. Anything slow happens after the answer, in processors reading the event.
 */
export const genesysWebhookPlugin: FastifyPluginAsync<GenesysWebhookOptions> = async (app, options) => {
  keepRawJsonBodies(app);
  const storeTimeoutMs = options.storeTimeoutMs ?? DEFAULT_WEBHOOK_STORE_TIMEOUT_MS;

  app.post(
    '/webhook/genesys',
    {
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
      const raw = request.rawBody ?? Buffer.alloc(0);
      const json = parseJson(raw);
      if (!json.ok) throw new HttpError(400, 'MalformedJson', 'The body is not valid JSON');

      const header = request.headers['x-hub-signature-256'];
      const signature = typeof header === 'string' ? header : undefined;
      const digest = genesysSignatureDigest(signature);
      if (!signature || !digest) throw signatureMismatch();

      const integrationId = integrationIdOf(json.value);
      if (!integrationId) {
        throw new HttpError(422, 'SchemaMismatch', 'channel.id (the integration id) is required', {
          issues: [{ path: 'channel.id', message: 'required' }],
        });
      }
      const found = await withinDeadline(
        options.directory.resolveIntegration(integrationId),
        storeTimeoutMs,
      ).catch((error: Error) => {
        (options.storeOutage ?? requestLogOutage(request.log)).failure(error.message, {
          reqId: request.id,
          during: 'tenant lookup',
        });
        throw new HttpError(503, 'Unavailable', 'The bridge cannot look up the integration now; retry later');
      });
      const integration = found?.tenant.status === 'active' ? found : undefined;
      const signed = matchesGenesysDigest(integration?.webhookSecret ?? DECOY_SECRET, raw, digest);
      if (!integration || !signed) throw signatureMismatch();

      // The raw body is stored as text and must stay the signed bytes; and a body the store cannot take would be
      // answered 503 on every Genesys retry.
      if (!isUtf8(raw)) throw new HttpError(400, 'MalformedJson', 'The body is not valid UTF-8');
      if (hasUnstorableText(json.value)) {
        throw new HttpError(400, 'MalformedJson', 'The body holds U+0000 or an unpaired surrogate');
      }
      if (options.inboundMessages && isInboundReceipt(json.value)) {
        const streams = options.inboundMessages;
        const tenantId = integration.tenant.tenantId;
        return withinDeadline(
          recordInboundReceipt({ store: options.store, streams }, tenantId, json.value, request.id),
          storeTimeoutMs,
        ).catch((error: Error) => {
          if (error instanceof HttpError) throw error;
          request.log.error({ err: error.message }, 'could not record the inbound receipt');
          throw new HttpError(503, 'StoreUnavailable', 'The receipt could not be stored; retry later');
        });
      }
      const webhook = parseBody(
        genesysWebhookSchema,
        json.value,
        'The body is not an Open Messaging outbound message',
      );

      const command = toReceiveWebhook(webhook, { body: raw.toString('utf8'), signature, receivedAt });
      refuseUnrecordable(command);
      const tenantId = integration.tenant.tenantId;
      const result = await withinDeadline(
        handleOutboundMessageCommand(
          options.store,
          { tenantId, genesysMessageId: command.genesysMessageId },
          command,
          { metadata: { correlationId: request.id }, isLikelyNewStream: true },
        ),
        storeTimeoutMs,
      ).catch((error: Error) => {
        // The same body would fail the same way on every retry: a 4xx ends them.
        if (error instanceof EventEncodeError) {
          throw cannotRecord(error.issues.map((issue) => ({ path: issue.path, message: issue.code })));
        }
        // Nothing was acknowledged: Genesys retries on 5xx, and the append is idempotent when it does.
        (options.storeOutage ?? requestLogOutage(request.log)).failure(error.message, {
          reqId: request.id,
          during: 'append WebhookReceived',
        });
        throw new HttpError(503, 'StoreUnavailable', 'The message could not be stored; retry later');
      });

      options.storeOutage?.recovered();
      const eventId = result.events[0]?.eventId ?? result.history[0]?.envelope.eventId ?? '';
      options.onAccepted?.({ tenantId, duplicate: result.isNoOp, messageType: command.messageType });
      return { accepted: true, eventId, duplicate: result.isNoOp };
    },
  );
};
