import { InMemoryEventStore } from '../../commands/in-memory-event-store';
import { requestToken } from '../../clients/genesys';
import { encodeEvent } from '../../events/encode';
import { eventExamples } from '../../events/schemas/examples';
import type { InboundMessageReceivedData } from '../../events/schemas/inbound-message-received';
import { customerKey, customerStreamId } from '../../events/schemas/stream-ids';
import type { StoredEvent } from '../../events/store/types';
import { createLogger } from '../../infra/logger';
import { GenesysSimulator } from '../../simulators/genesys';
import type { InboundMediaResolver } from './inbound-media-resolver';
import { InboundNotPostedYet, InboundPoster } from './inbound-poster';
import type { OriginatingMessages } from './originating-messages';

const TENANT = 'tenant-poster';
const INTEGRATION = 'integration-poster';
const sim = new GenesysSimulator({ clients: { 'poster-client': 'poster-secret' } });
const runtime = { wait: async () => undefined, retryDelay: () => 0 };
const credentials = { clientId: 'poster-client', clientSecret: 'poster-secret', region: 'mypurecloud.com' };

const tokens = {
  token: async () => {
    const token = await requestToken({ loginUrl: sim.url, ...credentials, timeoutMs: 2_000 });
    return token.ok
      ? { ok: true as const, accessToken: token.accessToken }
      : { ok: false as const, error: token.error };
  },
  forget: async () => undefined,
};
const directory = (withCredentials = true) => ({
  tenant: async () =>
    ({ tenantId: TENANT, genesysIntegrationId: INTEGRATION, genesysRegion: 'mypurecloud.com' }) as never,
  genesysOAuth: async () => (withCredentials ? credentials : undefined),
});

const poster = (
  store: InMemoryEventStore,
  options: { withCredentials?: boolean; media?: InboundMediaResolver; originals?: OriginatingMessages } = {},
) =>
  new InboundPoster(
    store,
    directory(options.withCredentials),
    tokens,
    { apiUrlTemplate: sim.url, loginUrlTemplate: sim.url, timeoutMs: 2_000 },
    createLogger('silent'),
    options.media,
    undefined,
    undefined,
    options.originals,
  );

/** Records a message on its customer stream as the recorder does; answers the stored event. */
const receive = async (store: InMemoryEventStore, overrides: Partial<InboundMessageReceivedData>) => {
  const data = { ...eventExamples.InboundMessageReceived, ...overrides };
  const streamId = customerStreamId(TENANT, data.phoneNumberId, customerKey(data.customer));
  await store.appendToStream(streamId, 'any', [
    encodeEvent({ type: 'InboundMessageReceived', data }, { tenantId: TENANT, conversationId: null }),
  ]);
  return { streamId, event: (await store.readStream(streamId)).at(-1)! as StoredEvent };
};

beforeAll(() => sim.start());
afterEach(() => {
  sim.inboundMessages.length = 0;
  sim.clearFaults();
});
afterAll(() => sim.stop());

describe('InboundPoster against the Genesys simulator', () => {
  it('posts a business-scoped user as Opaque with the username as nickname, and links the conversation by user id', async () => {
    const store = new InMemoryEventStore();
    const { streamId, event } = await receive(store, {
      wamid: 'wamid.bsu',
      customer: { userId: 'US.42', username: '@sheena' },
    });
    await poster(store).handle(event, runtime);

    expect(sim.inboundMessages.map((message) => message.body.channel)).toEqual([
      expect.objectContaining({ from: { id: 'US.42', idType: 'Opaque', nickname: '@sheena' } }),
    ]);
    const stream = await store.readStream(streamId);
    expect(stream.map((stored) => stored.type)).toEqual(['InboundMessageReceived', 'InboundPostedToGenesys']);
    const { conversationId } = stream[1]!.data as { conversationId: string };
    // Replies reach a customer without a wa_id through Meta's `recipient`: the link names them by user id, and the
    // username stands in for the profile name they did not share.
    const links = (
      await store.readAll({ after: { transactionId: '0', globalPosition: '0' }, limit: 100 })
    ).filter((stored) => stored.type === 'ConversationLinked');
    expect(links.map((stored) => stored.data)).toEqual([
      {
        conversationId,
        userId: 'US.42',
        contactName: '@sheena',
        phoneNumberId: expect.any(String),
        displayPhoneNumber: expect.any(String),
      },
    ]);
  });

  it('posts a message once, however often it is handled', async () => {
    const store = new InMemoryEventStore();
    const { event } = await receive(store, { wamid: 'wamid.once' });
    await poster(store).handle(event, runtime);
    await poster(store).handle(event, runtime);
    expect(sim.inboundMessages).toHaveLength(1);
  });

  it("does not post again when only recording Genesys's answer failed: the retry records that answer", async () => {
    const store = new InMemoryEventStore();
    const { streamId, event } = await receive(store, { wamid: 'wamid.record-failed' });
    const inbound = poster(store);
    // The store loses its connection for the next append: the one recording the post.
    store.beforeAppend = async () => {
      throw new Error('Connection terminated unexpectedly');
    };
    await expect(inbound.handle(event, runtime)).rejects.toThrow(/Connection terminated/);
    await inbound.handle(event, runtime);

    expect(sim.inboundMessages.map((message) => message.body.channel)).toEqual([
      expect.objectContaining({ messageId: 'wamid.record-failed' }),
    ]);
    expect((await store.readStream(streamId)).map((stored) => stored.type)).toContain(
      'InboundPostedToGenesys',
    );
  });

  it('records InboundPostFailed for a tenant without Genesys credentials, and posts nothing', async () => {
    const store = new InMemoryEventStore();
    const { streamId, event } = await receive(store, { wamid: 'wamid.no-credentials' });
    await poster(store, { withCredentials: false }).handle(event, runtime);
    expect(sim.inboundMessages).toHaveLength(0);
    expect((await store.readStream(streamId)).at(-1)).toMatchObject({
      type: 'InboundPostFailed',
      data: { wamid: 'wamid.no-credentials', reason: 'NoGenesysCredentials' },
    });
  });

  it('passes attachments from the media seam, appends its note when media is lost, and waits on a transient failure', async () => {
    const store = new InMemoryEventStore();
    const media = {
      content: { kind: 'media', mediaKind: 'image', mediaId: 'm-1', mime: 'image/jpeg', caption: 'Receipt' },
    } as const;
    const attachment = {
      mediaType: 'Image' as const,
      url: 'https://s3.example.com/a.jpg?sig',
      mime: 'image/jpeg',
    };
    const withAttachment = await receive(store, { wamid: 'wamid.media-ok', ...media });
    await poster(store, { media: { resolve: async () => ({ ok: true, attachments: [attachment] }) } }).handle(
      withAttachment.event,
      runtime,
    );
    expect(sim.inboundMessages.at(-1)!.body).toMatchObject({
      text: 'Receipt',
      content: [{ contentType: 'Attachment', attachment }],
    });

    const lost = await receive(store, { wamid: 'wamid.media-lost', ...media });
    await poster(store, {
      media: {
        resolve: async () => ({ ok: false, transient: false, note: '[The image could not be fetched]' }),
      },
    }).handle(lost.event, runtime);
    expect(sim.inboundMessages.at(-1)!.body.text).toBe('Receipt\n[The image could not be fetched]');

    const later = await receive(store, { wamid: 'wamid.media-later', ...media });
    await expect(
      poster(store, {
        media: { resolve: async () => ({ ok: false, transient: true, note: 'Meta 503' }) },
      }).handle(later.event, runtime),
    ).rejects.toBeInstanceOf(InboundNotPostedYet);
    expect(sim.inboundMessages).toHaveLength(2);
  });

  describe('button answers', () => {
    /** The bridge sent wamid.business-buttons for Genesys message genesys-quick-replies, for this tenant only. */
    const originals: OriginatingMessages = {
      genesysMessageId: async (tenantId, wamid) =>
        tenantId === TENANT && wamid === 'wamid.business-buttons' ? 'genesys-quick-replies' : undefined,
    };
    const pressed = (wamid: string, replyTo: string) => ({
      wamid,
      type: 'interactive',
      content: { kind: 'interactive', replyKind: 'button_reply', id: 'yes-payload', title: 'Yes' } as const,
      context: { replyTo },
    });

    it('posts a pressed button of a Genesys message as a structured response naming it', async () => {
      const store = new InMemoryEventStore();
      const { streamId, event } = await receive(store, pressed('wamid.pressed', 'wamid.business-buttons'));
      await poster(store, { originals }).handle(event, runtime);
      expect(sim.inboundMessages).toHaveLength(1);
      expect(sim.inboundMessages[0]).toMatchObject({
        endpoint: 'structured/response',
        body: {
          channel: { messageId: 'wamid.pressed' },
          buttonResponse: { type: 'QuickReply', text: 'Yes', payload: 'yes-payload' },
          originatingMessageId: 'genesys-quick-replies',
        },
      });
      expect((await store.readStream(streamId)).at(-1)).toMatchObject({
        type: 'InboundPostedToGenesys',
        data: { wamid: 'wamid.pressed', genesysMessageId: sim.inboundMessages[0]!.id },
      });
    });

    it('posts it as text when it answers no message the bridge sent for Genesys', async () => {
      const store = new InMemoryEventStore();
      const { event } = await receive(store, pressed('wamid.pressed-unknown', 'wamid.someone-else'));
      await poster(store, { originals }).handle(event, runtime);
      expect(sim.inboundMessages.map((message) => [message.endpoint, message.body.text])).toEqual([
        ['message', 'Yes'],
      ]);
    });

    it('falls back to text when Genesys refuses the structured response, and retries it on a 503', async () => {
      const store = new InMemoryEventStore();
      sim.failNext({ route: 'structured-response', status: 400 });
      const refused = await receive(store, pressed('wamid.pressed-refused', 'wamid.business-buttons'));
      await poster(store, { originals }).handle(refused.event, runtime);
      expect(sim.inboundMessages.map((message) => message.endpoint)).toEqual(['message']);

      sim.failNext({ route: 'structured-response', status: 503 });
      const later = await receive(store, pressed('wamid.pressed-later', 'wamid.business-buttons'));
      await expect(poster(store, { originals }).handle(later.event, runtime)).rejects.toBeInstanceOf(
        InboundNotPostedYet,
      );
      expect(sim.inboundMessages).toHaveLength(1);
      await poster(store, { originals }).handle(later.event, runtime);
      expect(sim.inboundMessages.map((message) => message.endpoint)).toEqual([
        'message',
        'structured/response',
      ]);
    });
  });
});
