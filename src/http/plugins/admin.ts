import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { handleConversationCommand } from '../../commands/conversation/handler';
import type { EventStore } from '../../events/store/types';
import { apiKeyScope } from '../../tenants/api-keys/api-key';
import type { ApiKeys } from '../../tenants/api-keys/api-keys';
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
  apiKeys: ApiKeys;
}

const newApiKeyBody = z
  .object({
    scopes: z.array(apiKeyScope).min(1).default(['state:read']),
    label: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/**
 * Tenants, their credentials, API keys and conversation links. Bearer ADMIN_TOKEN; secrets go in, never come out
 * (a new API key is shown once, in the answer that creates it).
 */
export const adminPlugin: FastifyPluginAsync<AdminOptions> = async (
  app,
  { adminToken, tenants, store, apiKeys },
) => {
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

  const requireTenant = async (tenantId: string) => {
    if (!(await tenants.exists(tenantId)))
      throw new HttpError(404, 'UnknownTenant', 'No tenant with this id');
  };

  app.post<{ Params: { id: string } }>('/admin/tenants/:id/api-keys', async (request, reply) => {
    const input = parseBody(newApiKeyBody, request.body ?? {});
    await requireTenant(request.params.id);
    return reply.code(201).send(await apiKeys.create(request.params.id, input.scopes, input.label));
  });

  app.get<{ Params: { id: string } }>('/admin/tenants/:id/api-keys', async (request) => {
    await requireTenant(request.params.id);
    return { keys: await apiKeys.list(request.params.id) };
  });

  app.delete<{ Params: { id: string; keyId: string } }>(
    '/admin/tenants/:id/api-keys/:keyId',
    async (request, reply) => {
      if (!(await apiKeys.revoke(request.params.id, request.params.keyId))) {
        throw new HttpError(404, 'UnknownApiKey', 'This tenant has no API key with this id');
      }
      return reply.code(204).send();
    },
  );
};
