import { randomBytes, randomUUID } from 'node:crypto';
import { genesysSignature } from '../../../src/http/signatures';
import { GenesysSimulator } from '../../../src/simulators/genesys';
import { MetaSimulator } from '../../../src/simulators/meta';
import { fixtureJson } from '../../../test/support/fixtures';
import type { SignedWebhook } from '../genesys-webhooks';
import { FaultBridge, type FaultBridgeOptions } from './fault-bridge';
import { StatusEcho, Traffic } from './traffic';

/** Two tenants, each with its own Genesys integration and WhatsApp number: faults scoped to one spare the other. */
export const TENANTS = [
  {
    tenantId: 'faults-a',
    integrationId: randomUUID(),
    phoneNumberId: '106540352242001',
    token: 'EAAJ-faults-a',
  },
  {
    tenantId: 'faults-b',
    integrationId: randomUUID(),
    phoneNumberId: '106540352242002',
    token: 'EAAJ-faults-b',
  },
] as const;

const GENESYS_CLIENT = { id: 'faults-client', secret: 'faults-client-secret' };
/** On the tenants' own region (usw2.pure.cloud): a download from another region's host is refused. */
const ATTACHMENT_URL = 'https://api-downloads.usw2.pure.cloud/api/v2/downloads/';

export interface HarnessOptions extends Omit<FaultBridgeOptions, 'metaGraphUrl' | 'label'> {
  label?: string;
  /** Conversations per tenant. */
  conversations: number;
  /** Meta's status webhooks back to the bridge (default on). */
  statuses?: boolean;
  /** Every n-th message of the load carries an image attachment (0: none). */
  mediaEvery?: number;
}

interface Fixture {
  channel: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * One fault scenario's world: the Meta and Genesys simulators in this process, a bridge in child processes, two
 * tenants with linked conversations, an open-loop load of signed Genesys webhooks and Meta's statuses flowing
 * back. Everything it starts, `stop()` stops and removes.
 */
export class FaultHarness {
  readonly traffic: Traffic;
  readonly echo: StatusEcho | undefined;
  private readonly run = randomBytes(4).toString('hex');
  private readonly secrets: string[];
  private readonly text = fixtureJson<Fixture>('genesys/outbound-text.json');
  private readonly image = fixtureJson<Fixture>('genesys/outbound-attachment-image.json');
  private readonly imageBytes = randomBytes(2048);

  private constructor(
    readonly meta: MetaSimulator,
    readonly genesys: GenesysSimulator,
    readonly bridge: FaultBridge,
    readonly conversations: string[][],
    secrets: string[],
    private readonly options: HarnessOptions,
  ) {
    this.secrets = secrets;
    this.traffic = new Traffic(bridge.url, {
      next: (index) => {
        const tenant = index % TENANTS.length;
        const list = conversations[tenant]!;
        const conversationId = list[Math.floor(index / TENANTS.length) % list.length]!;
        const media =
          options.mediaEvery !== undefined && options.mediaEvery > 0 && index % options.mediaEvery === 0;
        return { webhook: this.webhook(index, tenant, conversationId, { media }), tenant, conversationId };
      },
    });
    this.echo =
      options.statuses === false
        ? undefined
        : new StatusEcho(meta, `${bridge.url}/webhook/meta`, bridge.config.META_APP_SECRET!);
  }

  static async start(options: HarnessOptions): Promise<FaultHarness> {
    const meta = new MetaSimulator({
      phoneNumbers: Object.fromEntries(TENANTS.map((tenant) => [tenant.phoneNumberId, tenant.token])),
      holdMs: 30_000,
    });
    const genesys = new GenesysSimulator({ clients: { [GENESYS_CLIENT.id]: GENESYS_CLIENT.secret } });
    await Promise.all([meta.start(), genesys.start()]);
    let bridge: FaultBridge | undefined;
    try {
      bridge = await FaultBridge.start({
        label: options.label ?? 'faults',
        roles: options.roles,
        mainJs: options.mainJs,
        ...(options.databasePort === undefined ? {} : { databasePort: options.databasePort }),
        metaGraphUrl: meta.url,
        env: {
          GENESYS_API_URL_TEMPLATE: genesys.url,
          GENESYS_LOGIN_URL_TEMPLATE: genesys.url,
          GENESYS_DOWNLOAD_ORIGIN_OVERRIDE: genesys.url,
          KAFKA_TOPIC_PARTITIONS: '3',
          META_REQUEST_TIMEOUT_MS: '3000',
          GENESYS_REQUEST_TIMEOUT_MS: '3000',
          ...options.env,
        },
      });
      const secrets: string[] = [];
      for (const tenant of TENANTS) {
        const secret = randomBytes(24).toString('hex');
        secrets.push(secret);
        await admin(bridge, '/admin/tenants', {
          tenantId: tenant.tenantId,
          genesysIntegrationId: tenant.integrationId,
          genesysWebhookSecret: secret,
          genesysRegion: 'usw2.pure.cloud',
          genesysClientId: GENESYS_CLIENT.id,
          genesysClientSecret: GENESYS_CLIENT.secret,
          whatsapp: { phoneNumberId: tenant.phoneNumberId, accessToken: tenant.token },
        });
      }
      const conversations = await linkAll(bridge, options.conversations);
      const harness = new FaultHarness(meta, genesys, bridge, conversations, secrets, options);
      harness.echo?.start();
      return harness;
    } catch (error) {
      await bridge?.stop();
      await Promise.all([meta.stop(), genesys.stop()]);
      throw error;
    }
  }

  /** A signed outbound webhook for one conversation of a tenant: a text, or an image attachment. */
  webhook(
    index: number,
    tenant: number,
    conversationId: string,
    options: { media?: boolean; text?: string; id?: string } = {},
  ): SignedWebhook {
    const messageId = options.id ?? `${this.run}${index.toString(16).padStart(24, '0')}`;
    const integrationId = TENANTS[tenant]!.integrationId;
    const base = options.media ? this.image : this.text;
    const payload: Record<string, unknown> = {
      ...base,
      id: messageId,
      channel: { ...base.channel, id: integrationId, messageId, time: new Date().toISOString() },
      conversationId,
    };
    if (options.media) {
      const attachmentId = `att-${messageId}`;
      this.genesys.addAttachment(attachmentId, this.imageBytes, 'image/png');
      payload.content = [
        {
          contentType: 'Attachment',
          attachment: {
            id: randomUUID(),
            mediaType: 'Image',
            url: `${ATTACHMENT_URL}${attachmentId}`,
            mime: 'image/png',
            filename: 'faults.png',
            contentSizeBytes: this.imageBytes.length,
          },
        },
      ];
    } else {
      payload.text = options.text ?? `Faults message ${index} (${messageId})`;
    }
    const body = JSON.stringify(payload);
    return {
      body,
      messageId,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': genesysSignature(this.secrets[tenant]!, body),
      },
    };
  }

  async stop(): Promise<{ problems: string[]; logNote: string }> {
    this.echo?.stop();
    await this.traffic.stop();
    this.traffic.close();
    const { problems, log, stopSeconds } = await this.bridge.stop();
    await Promise.all([this.meta.stop(), this.genesys.stop()]);
    return {
      problems,
      logNote: `graceful stop (SIGTERM) took ${stopSeconds.map((s) => `${s.toFixed(1)} s`).join(', ')}; bridge log: ${log.warnings} warnings, ${log.errors} errors${log.messages.length ? ` (${log.messages.join('; ').slice(0, 400)})` : ''}`,
    };
  }

  get statusesOn(): boolean {
    return this.options.statuses !== false;
  }
}

const admin = async (bridge: FaultBridge, path: string, payload: unknown): Promise<void> => {
  const response = await fetch(`${bridge.internalUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.adminToken}` },
    body: JSON.stringify(payload),
  });
  if (response.status !== 201)
    throw new Error(`POST ${path}: HTTP ${response.status} ${await response.text()}`);
};

/** Links `perTenant` conversations per tenant and waits until the mapping projection holds every one. */
const linkAll = async (bridge: FaultBridge, perTenant: number): Promise<string[][]> => {
  const lists = TENANTS.map(() => Array.from({ length: perTenant }, () => randomUUID()));
  let customer = 0;
  for (const [tenant, list] of lists.entries()) {
    for (const conversationId of list) {
      await admin(bridge, '/admin/conversations', {
        tenantId: TENANTS[tenant]!.tenantId,
        conversationId,
        waId: `4477${String(tenant)}${String(customer++).padStart(6, '0')}`,
      });
    }
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { rows } = await bridge.db.pool.query<{ count: string }>(
      'SELECT count(*) FROM conversation_mappings',
    );
    if (Number(rows[0]!.count) >= perTenant * TENANTS.length) return lists;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]!.count} mappings projected`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};
