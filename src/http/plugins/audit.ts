import type { FastifyPluginAsync } from 'fastify';
import { auditConversation, type SecretLookup } from '../../audit/conversation-audit';
import type { EventStore } from '../../events/store/types';
import { HttpError } from '../errors';
import { tenantHeader } from '../request-input';
import { requireAdminToken } from '../admin-auth';

export interface AuditOptions {
  store: EventStore;
  webhookSecret: SecretLookup;
  adminToken: string | undefined;
}

/**
 * GET /audit/conversations/:conversationId — the conversation's events in commit order and the state they imply
 * (`?at=` for the state at that moment). Scoped to the tenant in X-Tenant-ID; the data is personal (message texts),
 * so the admin bearer token is required as well.
 */
export const auditPlugin: FastifyPluginAsync<AuditOptions> = async (app, options) => {
  app.addHook('onRequest', requireAdminToken(options.adminToken));

  app.get<{ Params: { conversationId: string }; Querystring: { at?: string } }>(
    '/audit/conversations/:conversationId',
    {
      schema: {
        params: { type: 'object', properties: { conversationId: { type: 'string', minLength: 1 } } },
        querystring: { type: 'object', properties: { at: { type: 'string' } } },
      },
    },
    async (request) => {
      const tenantId = tenantHeader(request);
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
