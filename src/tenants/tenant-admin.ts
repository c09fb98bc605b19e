import type { CredentialsCipher } from './credentials-cipher';
import { sealCredential } from './sealed-credentials';
import type { TenantDirectory } from './tenant-directory';
import {
  tenantCreationInput,
  type CredentialsInput,
  type TenantInput,
  type WhatsappCredentialsInput,
} from './tenant-input';
import type { StoredCredential, TenantRecord, TenantRepository } from './tenant-repository';

/** Admin use cases over tenants: validated input in, secrets sealed before they leave this function. */
export class TenantAdmin {
  /** The body a new tenant is validated with (the admin route and the CLI both use it). */
  readonly creationInput: ReturnType<typeof tenantCreationInput>;

  constructor(
    private readonly repository: TenantRepository,
    private readonly cipher: CredentialsCipher,
    private readonly directory: TenantDirectory,
    /** anyGenesysRegionAllowed(config): Genesys is a simulator, so any region-shaped domain is accepted. */
    options: { anyGenesysRegion: boolean },
  ) {
    this.creationInput = tenantCreationInput({ anyRegion: options.anyGenesysRegion });
  }

  async createTenant(input: TenantInput): Promise<TenantRecord> {
    const tenant: TenantRecord = {
      tenantId: input.tenantId,
      genesysIntegrationId: input.genesysIntegrationId,
      genesysRegion: input.genesysRegion,
      mediaMode: input.mediaMode,
      status: 'active',
    };
    await this.repository.create(tenant, this.sealAll(input.tenantId, input));
    await this.directory.invalidate(tenant); // a tenant re-created under an old integration id
    return tenant;
  }

  /** Returns false when the tenant does not exist. */
  async putCredentials(tenantId: string, input: CredentialsInput): Promise<boolean> {
    const tenant = await this.repository.findById(tenantId);
    if (!tenant) return false;
    if (input.genesysClientSecret !== undefined && input.genesysClientId === undefined) {
      const current = await this.repository.credential(tenantId, 'genesys_oauth');
      input = { ...input, genesysClientId: current?.publicConfig.clientId };
    }
    const updated = await this.repository.putCredentials(tenantId, this.sealAll(tenantId, input));
    await this.directory.invalidate(tenant);
    return updated;
  }

  async exists(tenantId: string): Promise<boolean> {
    return (await this.repository.findById(tenantId)) !== undefined;
  }

  list(): Promise<TenantRecord[]> {
    return this.repository.list();
  }

  private sealAll(tenantId: string, input: CredentialsInput): StoredCredential[] {
    const sealed: StoredCredential[] = [];
    if (input.genesysWebhookSecret !== undefined) {
      sealed.push(
        sealCredential(this.cipher, tenantId, 'genesys_webhook', { secret: input.genesysWebhookSecret }),
      );
    }
    if (input.genesysClientSecret !== undefined && input.genesysClientId !== undefined) {
      sealed.push(
        sealCredential(
          this.cipher,
          tenantId,
          'genesys_oauth',
          { clientSecret: input.genesysClientSecret },
          { clientId: input.genesysClientId },
        ),
      );
    }
    if (input.whatsapp) sealed.push(this.sealWhatsapp(tenantId, input.whatsapp));
    return sealed;
  }

  private sealWhatsapp(
    tenantId: string,
    { accessToken, markInboundRead, ...publicConfig }: WhatsappCredentialsInput,
  ) {
    // Public config holds strings only (tenant-directory.ts reads it back).
    return sealCredential(
      this.cipher,
      tenantId,
      'whatsapp',
      { accessToken },
      {
        ...publicConfig,
        markInboundRead: markInboundRead === undefined ? undefined : String(markInboundRead),
      },
    );
  }
}
