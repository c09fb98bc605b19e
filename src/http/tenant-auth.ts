import type { FastifyRequest } from 'fastify';
import type { ApiKeyScope } from '../tenants/api-keys/api-key';
import type { ApiKeyPrincipal, ApiKeys } from '../tenants/api-keys/api-keys';
import { bearerToken, isAdminToken } from './admin-auth';
import { HttpError } from './errors';

/** Who a tenant-scoped request speaks for: a tenant API key, or the admin token naming a tenant (audit only). */
export type TenantPrincipal = ApiKeyPrincipal | { tenantId: string; keyId: null; scopes: 'admin' };

const principals = new WeakMap<FastifyRequest, TenantPrincipal>();

/** The principal the route's hook established; a route without the hook is a bug. */
export const principalOf = (request: FastifyRequest): TenantPrincipal => {
  const principal = principals.get(request);
  if (!principal) throw new Error(`no tenant authentication on ${request.method} ${request.url}`);
  return principal;
};

const claimedTenant = (request: FastifyRequest): string | undefined => {
  const header = request.headers['x-tenant-id'];
  return typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
};

/**
 * An onRequest hook for tenant-scoped routes: `Authorization: Bearer <tenant API key>` decides the tenant (401
 * otherwise); an `X-Tenant-ID` header, kept for legacy callers, must name that same tenant, and the key must carry
 * `scope` (403 otherwise). With `admitAdminToken`, the admin token is accepted too, for the tenant named by
 * X-Tenant-ID. All of it happens before the route looks anything up.
 */
export const requireTenantKey =
  (keys: Pick<ApiKeys, 'verify'>, scope: ApiKeyScope, admitAdminToken?: string) =>
  async (request: FastifyRequest) => {
    const token = bearerToken(request);
    const claimed = claimedTenant(request);
    if (admitAdminToken !== undefined && token !== '' && isAdminToken(admitAdminToken, token)) {
      if (!claimed) throw new HttpError(400, 'TenantRequired', 'The admin token needs an X-Tenant-ID header');
      principals.set(request, { tenantId: claimed, keyId: null, scopes: 'admin' });
      return;
    }
    const principal = token === '' ? undefined : await keys.verify(token);
    if (!principal) {
      throw new HttpError(
        401,
        'Unauthorized',
        'A valid tenant API key is required (Authorization: Bearer <key>)',
      );
    }
    if (claimed !== undefined && claimed !== principal.tenantId) {
      throw new HttpError(403, 'TenantMismatch', 'X-Tenant-ID does not name the tenant of this API key');
    }
    if (!principal.scopes.includes(scope)) {
      throw new HttpError(403, 'MissingScope', `This API key lacks the ${scope} scope`);
    }
    principals.set(request, principal);
  };
