import type { Client as S3 } from 'minio';
import type { DecodedEvent } from '../events/decode';
import type { OutboundEvent } from '../events/schemas/outbound-events';
import { OUTBOUND_MESSAGES_TOPIC } from '../events/relay/topic-routing';
import { keyPart } from '../infra/key-part';
import type { ExternalProjection } from './projection-definition';

type WebhookReceived = DecodedEvent<Extract<OutboundEvent, { type: 'WebhookReceived' }>>;

/**
 * The raw webhook archive of the original design: `webhooks-outbound/{tenant}/{yyyy-MM-dd}/{timestamp}-{conversationId}.json`
 * holding the exact bytes Genesys sent (the bucket is the first segment). The key comes from the event alone, so
 * replaying writes the same object again: idempotent, and rebuildable from the event store.
 */
export const archiveKey = (event: WebhookReceived): string => {
  const receivedAt = new Date(event.data.receivedAt);
  const day = receivedAt.toISOString().slice(0, 10);
  // Older payloads have no conversation id: the Genesys message id keeps their keys apart.
  const conversation = event.data.conversationId ?? `no-conversation-${event.data.genesysMessageId}`;
  // The conversation id comes from Genesys: escaped (not replaced, which would let `a/b` and `a_b` share a key),
  // and last. The tenant id is escaped too, for tenants created before their charset excluded `/`.
  return `${keyPart(event.envelope.tenantId)}/${day}/${receivedAt.getTime()}-${keyPart(conversation)}.json`;
};

export const archiveWebhook = async (s3: S3, bucket: string, event: WebhookReceived): Promise<void> => {
  const body = Buffer.from(event.data.rawBody, 'utf8');
  await s3.putObject(bucket, archiveKey(event), body, body.length, {
    'Content-Type': 'application/json',
    'X-Amz-Meta-Genesysmessageid': encodeURIComponent(event.data.genesysMessageId),
    'X-Amz-Meta-Signature': event.data.signature,
    'X-Amz-Meta-Eventid': event.envelope.eventId,
  });
};

/** The archive writes objects only: the PUT is the whole of it, with no transaction open around it. */
export const webhookArchive: ExternalProjection = {
  kind: 'external',
  name: 'webhook-archive',
  topics: [OUTBOUND_MESSAGES_TOPIC],
  handles: ['WebhookReceived'],
  write:
    ({ s3, archiveBucket }) =>
    async (event) => {
      if (event.type === 'WebhookReceived') await archiveWebhook(s3, archiveBucket, event);
    },
};
