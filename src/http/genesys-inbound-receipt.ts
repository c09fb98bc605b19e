/**
 * Genesys' receipts about the customer's messages: on the outbound webhook, a `Receipt` with direction `Inbound`
 * says what became of a message the bridge posted (delivered into the conversation, or failed). It names the
 * message by the id the bridge gave it, the wamid (`channel.messageId`, or the top-level `id`); the receipt is
 * recorded on that message's customer stream, with the conversation, so audit replay shows it.
 */
import type { Pool } from 'pg';
import { z } from 'zod';
import { foldEvents } from '../commands/decider';
import { customerDecider } from '../commands/customer/decider';
import { handleCustomerCommand } from '../commands/customer/handler';
import { decodeCustomerEvent } from '../events/decode';
import { inboundMessageEventId } from '../events/deterministic-event-id';
import { wamid } from '../events/schemas/common';
import { GENESYS_RECEIPT_STATUSES } from '../events/schemas/inbound-receipt';
import type { EventStore } from '../events/store/types';
import { parseBody } from './request-input';

/** Where a tenant's inbound message was recorded. */
export interface InboundMessageStreams {
  streamOf(tenantId: string, wamid: string): Promise<string | undefined>;
}

/** The stream of a tenant's InboundMessageReceived, found by its deterministic event id (unique index). */
export const storedInboundMessageStreams = (pool: Pool): InboundMessageStreams => ({
  async streamOf(tenantId, messageWamid) {
    const { rows } = await pool.query<{ stream_id: string }>(
      'SELECT stream_id FROM events WHERE event_id = $1 AND tenant_id = $2',
      [inboundMessageEventId(tenantId, messageWamid), tenantId],
    );
    return rows[0]?.stream_id;
  },
});

const inboundReceiptSchema = z.looseObject({
  id: z.string().min(1).max(256).optional(),
  channel: z.looseObject({ messageId: z.string().min(1).max(256).optional() }),
  conversationId: z.string().min(1).max(256).optional(),
  type: z.literal('Receipt'),
  direction: z.literal('Inbound'),
  status: z.enum(GENESYS_RECEIPT_STATUSES),
  isFinalReceipt: z.boolean().optional(),
  reasons: z
    .array(z.looseObject({ code: z.string().max(200).optional(), message: z.string().max(2000).optional() }))
    .max(20)
    .optional(),
});

export const isInboundReceipt = (body: unknown): boolean => {
  const candidate = body as { type?: unknown; direction?: unknown } | null;
  return candidate?.type === 'Receipt' && candidate.direction === 'Inbound';
};

export type InboundReceiptOutcome = { accepted: boolean; eventId: string; duplicate: boolean };

/**
 * Records the receipt on its message's stream; answers `accepted: false` for a message this tenant never received
 * (nothing to attach it to, and a retry would not change that). Throws HttpError 422 for a body of the wrong shape.
 */
export const recordInboundReceipt = async (
  deps: { store: EventStore; streams: InboundMessageStreams },
  tenantId: string,
  body: unknown,
  correlationId: string,
): Promise<InboundReceiptOutcome> => {
  const receipt = parseBody(inboundReceiptSchema, body, 'The body is not an Open Messaging inbound receipt');
  const candidates = [receipt.channel.messageId, receipt.id].filter(
    (id): id is string => id !== undefined && wamid().safeParse(id).success,
  );
  for (const messageWamid of candidates) {
    const streamId = await deps.streams.streamOf(tenantId, messageWamid);
    if (streamId === undefined) continue;
    const known = await deps.store.readStream(streamId);
    const conversationId =
      receipt.conversationId ?? foldEvents(customerDecider, known.map(decodeCustomerEvent)).conversationId;
    const genesysMessageId = receipt.id !== messageWamid ? receipt.id : undefined;
    const result = await handleCustomerCommand(
      deps.store,
      tenantId,
      streamId,
      {
        type: 'RecordInboundReceipt',
        wamid: messageWamid,
        status: receipt.status,
        ...(receipt.isFinalReceipt !== undefined ? { isFinalReceipt: receipt.isFinalReceipt } : {}),
        ...(receipt.reasons?.length
          ? {
              reasons: receipt.reasons.map((reason) => ({
                ...(reason.code !== undefined ? { code: reason.code } : {}),
                ...(reason.message !== undefined ? { message: reason.message } : {}),
              })),
            }
          : {}),
        ...(genesysMessageId !== undefined ? { genesysMessageId } : {}),
        ...(conversationId !== undefined ? { conversationId } : {}),
      },
      { metadata: { correlationId }, known, conversationId: conversationId ?? null },
    );
    const eventId = result.events[0]?.eventId ?? '';
    return { accepted: true, eventId, duplicate: result.isNoOp };
  }
  return { accepted: false, eventId: '', duplicate: false };
};
