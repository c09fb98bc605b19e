import { handleConversationCommand } from '../../src/commands/conversation/handler';
import { handleOutboundMessageCommand } from '../../src/commands/outbound-message/handler';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';
import { genesysWebhookSchema } from '../../src/contracts/genesys/outbound-webhook';
import { toReceiveWebhook } from '../../src/http/webhook-to-command';
import { fixtureBytes } from '../support/fixtures';
import { startPipeline, type TestPipeline } from '../support/pipeline';
import { streamEvents } from '../support/streams';
import { waitFor } from '../support/wait';

const TENANT = 'acme';
const CONVERSATION = 'd06cb41e-f938-4dcf-b823-c8af1a39d7e5';
const MESSAGE = 'c327c2078ca056db130c55ce648d9fa2';
const WAMID = 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA';

describe('State Manager compatibility API', () => {
  let pipeline: TestPipeline;
  /** Each tenant's legacy caller, with a key that may read and write. */
  const keys: Record<string, Record<string, string>> = {};
  const call = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    tenant: string | undefined,
    payload?: object,
  ) =>
    pipeline.internal.inject({
      method,
      url,
      headers: tenant ? { 'x-tenant-id': tenant, ...keys[tenant] } : {},
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    pipeline = await startPipeline('state', { roles: ['relay', 'projector'] });
    for (const tenantId of [TENANT, 'other']) {
      await pipeline.addTenant({
        tenantId,
        integrationId: `int-${tenantId}`,
        region: 'mypurecloud.com',
        webhookSecret: 'state-webhook-secret-0001',
      });
      keys[tenantId] = await pipeline.apiKeyHeaders(tenantId, ['state:read', 'state:write']);
    }
    await pipeline.link(TENANT, CONVERSATION, '16505551234', 'Jane Doe');
    // A message the bridge sent: its MessageSent puts the wamid in the index.
    const raw = fixtureBytes('genesys/outbound-text.json').toString();
    const command = toReceiveWebhook(genesysWebhookSchema.parse(JSON.parse(raw)), {
      body: raw,
      signature: 'sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      receivedAt: new Date().toISOString(),
    });
    const ref = { tenantId: TENANT, genesysMessageId: MESSAGE };
    const { store } = pipeline.services;
    await handleOutboundMessageCommand(store, ref, { ...command, conversationId: CONVERSATION });
    await handleOutboundMessageCommand(store, ref, {
      type: 'ResolveMapping',
      waId: '16505551234',
      resolvedBy: 'conversationId',
    });
    await handleOutboundMessageCommand(store, ref, {
      type: 'RequestSend',
      partCount: 1,
      metaMessageType: 'text',
    });
    await handleOutboundMessageCommand(store, ref, { type: 'RecordSent', wamid: WAMID, partIndex: 0 });
  });
  afterAll(() => pipeline.stop());

  it('GET /state/conversation/:id answers the mapping of the tenant in X-Tenant-ID', async () => {
    const response = await call('GET', `/state/conversation/${CONVERSATION}`, TENANT);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ waId: '16505551234', tenantId: TENANT, contactName: 'Jane Doe' });
  });

  it('answers the legacy 404 body for an unknown conversation, and for another tenant’s conversation', async () => {
    for (const [conversation, tenant] of [
      ['no-such-conversation', TENANT],
      [CONVERSATION, 'other'],
    ] as const) {
      const response = await call('GET', `/state/conversation/${conversation}`, tenant);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        error: 'No WhatsApp mapping found',
        conversationId: conversation,
        message: 'Conversation has no linked WhatsApp ID',
      });
    }
  });

  it('answers for a customer known only by a business-scoped user id, by conversation and by that id', async () => {
    const conversationId = 'conv-business-scoped';
    const userId = 'US.13491208655302741918';
    await handleConversationCommand(pipeline.services.store, TENANT, {
      type: 'LinkConversation',
      conversationId,
      userId,
      contactName: '@sheena.nelson',
    });
    const customer = await waitFor('the link projected', async () => {
      const response = await call('GET', `/state/customer/${userId}`, TENANT);
      return response.statusCode === 200 ? response.json<Record<string, unknown>>() : undefined;
    });
    expect(customer).toMatchObject({ waId: null, tenantId: TENANT, conversationId, customerUserId: userId });
    const conversation = await call('GET', `/state/conversation/${conversationId}`, TENANT);
    expect(conversation.json()).toEqual({
      waId: null,
      userId,
      tenantId: TENANT,
      contactName: '@sheena.nelson',
    });
    // Another tenant's key sees nothing of it, and the user id is never taken for a wa_id.
    expect((await call('GET', `/state/customer/${userId}`, 'other')).statusCode).toBe(404);
    expect((await call('GET', '/state/customer/13491208655302741918', TENANT)).statusCode).toBe(404);
  });

  it('requires an API key; X-Tenant-ID is optional but must name the key’s tenant', async () => {
    expect((await call('GET', `/state/conversation/${CONVERSATION}`, undefined)).statusCode).toBe(401);
    const keyOnly = await pipeline.internal.inject({
      method: 'GET',
      url: `/state/conversation/${CONVERSATION}`,
      headers: keys[TENANT],
    });
    expect(keyOnly.statusCode).toBe(200);
    const mismatch = await pipeline.internal.inject({
      method: 'GET',
      url: `/state/conversation/${CONVERSATION}`,
      headers: { ...keys['other'], 'x-tenant-id': TENANT },
    });
    expect(mismatch.statusCode).toBe(403);
    expect(mismatch.json()).toMatchObject({ error: 'TenantMismatch' });
  });

  it('PATCH /state/message/:id records a status through the rules: forward only, read implies delivered', async () => {
    const read = await call('PATCH', `/state/message/${WAMID}`, TENANT, {
      status: 'read',
      timestamp: '1760659226',
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ status: 'read', changed: true });
    const backwards = await call('PATCH', `/state/message/${WAMID}`, TENANT, { status: 'delivered' });
    expect(backwards.json()).toMatchObject({ changed: false });
    const types = (await streamEvents(pipeline.connections.pool, outboundStreamId(TENANT, MESSAGE))).map(
      (e) => e.type,
    );
    expect(types.slice(-2)).toEqual(['Delivered', 'Read']);
  });

  it('PATCH answers 404 for an unknown wamid and for another tenant’s message', async () => {
    expect((await call('PATCH', '/state/message/wamid.unknown', TENANT, { status: 'read' })).statusCode).toBe(
      404,
    );
    expect((await call('PATCH', `/state/message/${WAMID}`, 'other', { status: 'read' })).statusCode).toBe(
      404,
    );
  });

  it('POST /state/message confirms a send the bridge made, and refuses messages it never carried', async () => {
    const known = await call('POST', '/state/message', TENANT, {
      metaMessageId: WAMID,
      genesysMessageId: MESSAGE,
    });
    expect(known.statusCode).toBe(201);
    const unknown = await call('POST', '/state/message', TENANT, {
      metaMessageId: 'wamid.x',
      genesysMessageId: 'nope',
    });
    expect(unknown.statusCode).toBe(404);
    const invalid = await call('POST', '/state/message', TENANT, { genesysMessageId: MESSAGE });
    expect(invalid.statusCode).toBe(422);
  });

  it('records who said it: a status from the legacy API carries its source and key id', async () => {
    const { rows: stored } = await pipeline.connections.pool.query<{ metadata: Record<string, unknown> }>(
      'SELECT metadata FROM events WHERE stream_id = $1 ORDER BY stream_position',
      [outboundStreamId(TENANT, MESSAGE)],
    );
    const keyId = keys[TENANT]!.authorization!.split('_')[1];
    const fromApi = stored.filter((event) => event.metadata['recordedBy'] !== undefined);
    expect(fromApi.length).toBeGreaterThan(0);
    for (const event of fromApi) {
      expect(event.metadata['recordedBy']).toEqual({ source: 'state-api', apiKeyId: keyId });
    }
  });
});
