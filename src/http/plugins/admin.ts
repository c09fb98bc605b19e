import type { FastifyPluginAsync } from 'fastify';
import { handleConversationCommand } from '../../commands/conversation/handler';
import type { EventStore } from '../../events/store/types';
import type { TenantAdmin } from '../../tenants/tenant-admin';
import { credentialsInput } from '../../tenants/tenant-input';
import { TenantAlreadyExists } from '../../tenants/tenant-repository';
import { requireAdminToken } from '../admin-auth';
import { errorSchema, HttpError } from '../errors';
import { parseBody } from '../request-input';
import { conversationLinkInput } from '../schemas/conversation-link';

export interface AdminOptions {
  adminToken: string | undefined;
  tenants: TenantAdmin;
  store: EventStore;
}

/** Tenants, their credentials and conversation links. Bearer ADMIN_TOKEN; secrets go in, never come out. */
export const adminPlugin: FastifyPluginAsync<AdminOptions> = async (app, { adminToken, tenants, store }) => {
  app.addHook('onRequest', requireAdminToken(adminToken));

  app.post(
    '/admin/tenants',
    {
      schema: {
        response: {
          201: { type: 'object', properties: { tenantId: { type: 'string' } } },
          409: errorSchema,
          422: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const input = parseBody(tenants.creationInput, request.body);
      try {
        const tenant = await tenants.createTenant(input);
        return reply.code(201).send({ tenantId: tenant.tenantId });
      } catch (error) {
        if (error instanceof TenantAlreadyExists) throw new HttpError(409, error.code, error.message);
        throw error;
      }
    },
  );

  app.get('/admin/tenants', async () => ({ tenants: await tenants.list() }));

  app.put<{ Params: { id: string } }>(
    '/admin/tenants/:id/credentials',
    { schema: { response: { 200: { type: 'object', properties: { tenantId: { type: 'string' } } } } } },
    async (request) => {
      const input = parseBody(credentialsInput, request.body);
      if (!(await tenants.putCredentials(request.params.id, input))) {
        throw new HttpError(404, 'UnknownTenant', 'No tenant with this id');
      }
      return { tenantId: request.params.id };
    },
  );

  app.post('/admin/conversations', async (request, reply) => {
    const input = parseBody(conversationLinkInput, request.body);
    if (!(await tenants.exists(input.tenantId)))
      throw new HttpError(404, 'UnknownTenant', 'No tenant with this id');
    const { tenantId, ...link } = input;
    const result = await handleConversationCommand(
      store,
      tenantId,
      { type: 'LinkConversation', ...link },
      {
        metadata: { correlationId: request.id },
      },
    );
    return reply.code(201).send({ tenantId, conversationId: input.conversationId, changed: !result.isNoOp });
  });
};
