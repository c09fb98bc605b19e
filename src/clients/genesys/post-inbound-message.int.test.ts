import { genesysWithClient } from '../../../test/support/genesys-client';
import { readFixture } from '../../simulators/common/fixtures';
import { postInboundMessage, toOpenMessagingInbound, type InboundOpenMessage } from './post-inbound-message';

const genesys = genesysWithClient('inbound-client');
const { sim } = genesys;

/** The message of genesys/inbound-message-text-request.json, as the bridge would describe it. */
const message: InboundOpenMessage = {
  messageId: 'c327c2078ca056db130c55ce648d9fa2',
  integrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
  from: { id: '16505551234', idType: 'Phone', nickname: 'Bobby' },
  time: '2021-02-01T15:04:05.123Z',
  text: 'Hello World',
};

const post = (overrides: Partial<InboundOpenMessage> = {}, token = genesys.accessToken()) =>
  postInboundMessage({
    apiUrl: sim.url,
    accessToken: token,
    message: { ...message, ...overrides },
    timeoutMs: 2_000,
  });

describe('postInboundMessage against the Genesys simulator', () => {
  it("builds the fixture's Open Messaging body (the bridge's own from: a phone number)", () => {
    const fixture = JSON.parse(readFixture('genesys/inbound-message-text-request.json').toString('utf8')) as {
      channel: { from: Record<string, unknown> };
    };
    const { from, ...channel } = fixture.channel;
    expect(toOpenMessagingInbound(message)).toEqual({
      ...fixture,
      channel: { ...channel, from: { id: '16505551234', idType: 'Phone', nickname: 'Bobby' } },
    });
    expect(from).toMatchObject({ nickname: 'Bobby' });
  });

  it('answers the message id and the conversation, the same conversation for the same customer', async () => {
    const first = await post();
    const second = await post({ messageId: 'm-2' });
    const other = await post({ messageId: 'm-3', from: { id: '447700900123', idType: 'Phone' } });
    expect(first).toEqual({ ok: true, id: expect.any(String), conversationId: expect.any(String) });
    expect(second.ok && first.ok && second.conversationId === first.conversationId).toBe(true);
    expect(other.ok && first.ok && other.conversationId !== first.conversationId).toBe(true);
    const query = sim.requests.at(-1)!.url;
    expect(query).toContain('/inbound/open/message?prefetchConversationId=true');
  });

  it('sends attachments as content', async () => {
    await post({
      messageId: 'm-media',
      attachments: [{ mediaType: 'Image', url: 'https://media.example.com/a.jpg', mime: 'image/jpeg' }],
    });
    expect(sim.inboundMessages.at(-1)!.body.content).toEqual([
      {
        contentType: 'Attachment',
        attachment: { mediaType: 'Image', url: 'https://media.example.com/a.jpg', mime: 'image/jpeg' },
      },
    ]);
  });

  it('classifies 429 (with Retry-After), 503, 401 and 400 without echoing the token', async () => {
    sim.failNext({ route: 'inbound-message', status: 429, retryAfterSeconds: 3 });
    const limited = await post();
    expect(limited).toMatchObject({
      ok: false,
      error: { kind: 'rate-limited', httpStatus: 429, retryAfterMs: 3000 },
    });
    sim.failNext({ route: 'inbound-message', status: 503 });
    expect(await post()).toMatchObject({ ok: false, error: { kind: 'retryable', httpStatus: 503 } });
    expect(await post({}, 'not-a-token')).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    sim.failNext({ route: 'inbound-message', status: 400 });
    const refused = await post();
    expect(refused).toMatchObject({ ok: false, error: { kind: 'permanent', httpStatus: 400 } });
    expect(JSON.stringify([limited, refused])).not.toContain(genesys.accessToken());
  });
});
