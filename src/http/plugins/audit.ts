import type { FastifyPluginAsync } from 'fastify';
import { auditConversation, type SecretLookup } from '../../audit/conversation-audit';
import type { EventStore } from '../../events/store/types';
import { HttpError } from '../errors';
import type { ApiKeys } from '../../tenants/api-keys/api-keys';
import { principalOf, requireTenantKey } from '../tenant-auth';

export interface AuditOptions {
  store: EventStore;
  webhookSecret: SecretLookup;
  adminToken: string | undefined;
  apiKeys: Pick<ApiKeys, 'verify'>;
}

/**
 * GET /audit/conversations/:conversationId — the conversation's events in commit order and the state they imply
 * (`?at=` for the state at that moment). The data is personal (message texts): a tenant API key with `audit:read`
 * answers for its own tenant, the admin token for the tenant named in X-Tenant-ID.
 */
export const auditPlugin: FastifyPluginAsync<AuditOptions> = async (app, options) => {
  app.addHook('onRequest', requireTenantKey(options.apiKeys, 'audit:read', options.adminToken));

  app.get<{ Params: { conversationId: string }; Querystring: { at?: string } }>(
    '/audit/conversations/:conversationId',
    {
      schema: {
        params: { type: 'object', properties: { conversationId: { type: 'string', minLength: 1 } } },
        querystring: { type: 'object', properties: { at: { type: 'string' } } },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      let at: Date | undefined;
      if (request.query.at !== undefined) {
        at = new Date(request.query.at);
        if (Number.isNaN(at.getTime()))
          throw new HttpError(400, 'InvalidTime', '`at` must be an ISO 8601 time');
      }
      return auditConversation(
        options.store,
        options.webhookSecret,
        tenantId,
        request.params.conversationId,
        at,
      );
    },
  );
};
