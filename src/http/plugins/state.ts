import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { CommandRejected } from '../../commands/command-rejected';
import { handleOutboundMessageCommand } from '../../commands/outbound-message/handler';
import { isWaIdLike } from '../../events/schemas/common';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import type { EventStore } from '../../events/store/types';
import type { MappingResolver } from '../../projections/mapping-resolver';
import type { ApiKeys } from '../../tenants/api-keys/api-keys';
import { HttpError } from '../errors';
import { parseBody } from '../request-input';
import { principalOf, requireTenantKey, type TenantPrincipal } from '../tenant-auth';

export interface StateOptions {
  store: EventStore;
  pool: Pool;
  mappings: Pick<MappingResolver, 'resolve'>;
  apiKeys: Pick<ApiKeys, 'verify'>;
}

/** Who said it, kept in the event's metadata so that audit replay shows a fact came from a legacy caller. */
const recordedBy = (request: FastifyRequest, principal: TenantPrincipal) => ({
  metadata: {
    correlationId: request.id,
    recordedBy: { source: 'state-api', apiKeyId: principal.keyId },
  },
});

const recordMessageBody = z.object({
  metaMessageId: z.string().min(1),
  genesysMessageId: z.string().min(1),
  conversationId: z.string().min(1).optional(),
  tenantId: z.string().min(1).optional(),
  direction: z.enum(['outbound', 'inbound']).default('outbound'),
  status: z.string().optional(),
});

const statusBody = z.object({
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  timestamp: z.union([z.string(), z.number()]).optional(),
  errorCode: z.coerce.number().int().optional(),
  errorTitle: z.string().optional(),
});

interface CustomerRow {
  conversation_id: string;
  wa_id: string | null;
  contact_name: string | null;
  phone_number_id: string | null;
  display_phone_number: string | null;
  last_inbound_at: Date | null;
  last_activity_at: Date;
  customer_user_id: string | null;
  customer_username: string | null;
}

const customerQuery = (match: string) =>
  `SELECT conversation_id, wa_id, contact_name, phone_number_id, display_phone_number, last_inbound_at,
          last_activity_at, customer_user_id, customer_username
     FROM conversation_mappings
    WHERE tenant_id = $1 AND ${match}
    ORDER BY last_activity_at DESC, conversation_id
    LIMIT 1`;
const CUSTOMER_BY_WA_ID = customerQuery(`wa_id IN ($2, '+' || $2)`);
const CUSTOMER_BY_USER_ID = customerQuery('customer_user_id = $2');

interface IndexRow {
  tenant_id: string;
  genesys_message_id: string;
}

/**
 * The original State Manager's HTTP API, kept for legacy callers, on top of commands and read models: reads come
 * from the mapping read model (Redis first), writes become commands on the message's stream, so they obey the same
 * rules as everything else (statuses only move forward, a message is recorded once). Every call is scoped to the
 * tenant of its API key; another tenant's ids answer 404, as unknown ones do. Reads need `state:read`, writes
 * `state:write`.
 */
export const statePlugin: FastifyPluginAsync<StateOptions> = async (
  app,
  { store, pool, mappings, apiKeys },
) => {
  const canRead = { onRequest: requireTenantKey(apiKeys, 'state:read') };
  const canWrite = { onRequest: requireTenantKey(apiKeys, 'state:write') };

  app.get<{ Params: { conversationId: string } }>(
    '/state/conversation/:conversationId',
    canRead,
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const { conversationId } = request.params;
      const mapping = await mappings.resolve(tenantId, conversationId, '');
      if (!mapping) {
        // The original body, field for field: legacy callers match on it.
        return reply.code(404).send({
          error: 'No WhatsApp mapping found',
          conversationId,
          message: 'Conversation has no linked WhatsApp ID',
        });
      }
      // waId null and userId set: a customer known only by a business-scoped user id (userId is only added when
      // known, so the body legacy callers parse is unchanged for every other customer).
      return {
        waId: mapping.waId ?? null,
        ...(mapping.userId !== undefined ? { userId: mapping.userId } : {}),
        tenantId,
        contactName: mapping.contactName ?? null,
      };
    },
  );

  /**
   * The customer's side of the mapping: the conversation this customer was last active in (there may be several
   * over time), when the customer last wrote (the 24-hour window) and the identifiers WhatsApp gave. The customer
   * is named by wa_id (digits, a leading '+' allowed) or, for one WhatsApp names only by a business-scoped user id,
   * by that id (`US.1349…`): the two never look alike, so one route serves both, as Genesys's `channel.to.id` does.
   * From the read model only: the Redis direction carries no inbound time.
   */
  app.get<{ Params: { customerId: string } }>(
    '/state/customer/:customerId',
    canRead,
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const { customerId } = request.params;
      const isWaId = isWaIdLike(customerId);
      const waId = customerId.replace(/^\+/, '');
      const { rows } = await pool.query<CustomerRow>(isWaId ? CUSTOMER_BY_WA_ID : CUSTOMER_BY_USER_ID, [
        tenantId,
        isWaId ? waId : customerId,
      ]);
      const row = rows[0];
      if (!row) {
        return reply
          .code(404)
          .send({ error: 'NoMappingFound', message: 'No conversation is linked to this customer' });
      }
      return {
        waId: isWaId ? waId : (row.wa_id?.replace(/^\+/, '') ?? null),
        tenantId,
        conversationId: row.conversation_id,
        contactName: row.contact_name,
        phoneNumberId: row.phone_number_id,
        displayPhoneNumber: row.display_phone_number,
        lastInboundAt: row.last_inbound_at?.toISOString() ?? null,
        lastActivityAt: row.last_activity_at.toISOString(),
        customerUserId: row.customer_user_id,
        customerUsername: row.customer_username,
      };
    },
  );

  /**
   * A caller reporting that a message of this bridge was sent: Meta's wamid for a send whose answer we lost is
   * exactly what reconciles an unknown outcome. Messages the bridge never carried are not invented here.
   */
  app.post('/state/message', canWrite, async (request, reply) => {
    const principal = principalOf(request);
    const { tenantId } = principal;
    const body = parseBody(recordMessageBody, request.body);
    if (body.tenantId !== undefined && body.tenantId !== tenantId) {
      throw new HttpError(403, 'TenantMismatch', 'tenantId differs from the tenant of this API key');
    }
    const ref = { tenantId, genesysMessageId: body.genesysMessageId };
    const existing = await store.readStream(outboundStreamId(tenantId, body.genesysMessageId));
    if (existing.length === 0)
      throw new HttpError(404, 'UnknownMessage', 'The bridge has no such Genesys message');
    try {
      await handleOutboundMessageCommand(
        store,
        ref,
        { type: 'RecordSent', wamid: body.metaMessageId, partIndex: 0 },
        recordedBy(request, principal),
      );
    } catch (error) {
      if (error instanceof CommandRejected) throw new HttpError(409, error.code, error.message);
      throw error;
    }
    return reply
      .code(201)
      .send({ metaMessageId: body.metaMessageId, genesysMessageId: body.genesysMessageId });
  });

  app.patch<{ Params: { metaMessageId: string } }>(
    '/state/message/:metaMessageId',
    canWrite,
    async (request) => {
      const principal = principalOf(request);
      const { tenantId } = principal;
      const body = parseBody(statusBody, request.body);
      const { rows } = await pool.query<IndexRow>(
        'SELECT tenant_id, genesys_message_id FROM meta_message_index WHERE wamid = $1 AND tenant_id = $2',
        [request.params.metaMessageId, tenantId],
      );
      const row = rows[0];
      if (!row) throw new HttpError(404, 'UnknownMessage', 'No message with this Meta message id');
      const seconds =
        body.timestamp === undefined
          ? Math.floor(Date.now() / 1000)
          : typeof body.timestamp === 'number'
            ? body.timestamp
            : /^\d+$/.test(body.timestamp)
              ? Number(body.timestamp)
              : Math.floor(Date.parse(body.timestamp) / 1000);
      if (!Number.isFinite(seconds)) throw new HttpError(422, 'InvalidTimestamp', 'timestamp is not a time');
      try {
        const result = await handleOutboundMessageCommand(
          store,
          { tenantId, genesysMessageId: row.genesys_message_id },
          {
            type: 'RecordMetaStatus',
            status: body.status,
            wamid: request.params.metaMessageId,
            timestamp: String(seconds),
            ...(body.status === 'failed'
              ? {
                  error: {
                    code: body.errorCode ?? 0,
                    title: body.errorTitle ?? 'Reported failed by a legacy caller',
                  },
                }
              : {}),
          },
          recordedBy(request, principal),
        );
        return { metaMessageId: request.params.metaMessageId, status: body.status, changed: !result.isNoOp };
      } catch (error) {
        if (error instanceof CommandRejected) throw new HttpError(409, error.code, error.message);
        throw error;
      }
    },
  );
};
