import { genesysWithClient } from '../../../test/support/genesys-client';
import { readFixture } from '../../simulators/common/fixtures';
import {
  postStructuredResponse,
  toOpenMessagingStructuredResponse,
  type InboundStructuredResponse,
} from './post-structured-response';

const genesys = genesysWithClient('structured-client');
const { sim } = genesys;

/** The answer of genesys/inbound-structured-response-request.json, as the bridge describes it. */
const response: InboundStructuredResponse = {
  messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTZBQzg0MzQ4QjRCM0NGNkVGOAA=',
  integrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
  from: { id: '16505551234', idType: 'Phone', nickname: 'Sheena Nelson' },
  time: '2025-06-15T22:05:36.000Z',
  buttonType: 'QuickReply',
  text: 'Cancel',
  payload: 'cancel-button',
  originatingMessageId: '5bd1e2e9a6f3a8ab9d4c6e1f0a2b3c4d',
};

afterEach(() => {
  sim.inboundMessages.length = 0;
});

const post = (overrides: Partial<InboundStructuredResponse> = {}) =>
  postStructuredResponse({
    apiUrl: sim.url,
    accessToken: genesys.accessToken(),
    response: { ...response, ...overrides },
    timeoutMs: 2_000,
  });

describe('postStructuredResponse against the Genesys simulator', () => {
  it("builds the fixture's body, byte for byte", () => {
    const fixture = readFixture('genesys/inbound-structured-response-request.json').toString('utf8');
    expect(`${JSON.stringify(toOpenMessagingStructuredResponse(response), null, 2)}\n`).toBe(fixture);
  });

  it('posts to …/inbound/open/structured/response and answers the message id', async () => {
    const posted = await post();
    expect(posted).toEqual({ ok: true, id: expect.any(String) });
    const [recorded] = sim.inboundMessages;
    expect(recorded).toMatchObject({
      endpoint: 'structured/response',
      integrationId: response.integrationId,
      body: JSON.parse(readFixture('genesys/inbound-structured-response-request.json').toString('utf8')),
    });
    expect(sim.requests.at(-1)!.url).toBe(
      `/api/v2/conversations/messages/${response.integrationId}/inbound/open/structured/response`,
    );
  });

  it('maps a refusal to a permanent error and a 503 to a retryable one', async () => {
    sim.failNext({ route: 'structured-response', status: 400 });
    expect(await post()).toMatchObject({ ok: false, error: { kind: 'permanent', httpStatus: 400 } });
    sim.failNext({ route: 'structured-response', status: 503 });
    expect(await post()).toMatchObject({ ok: false, error: { kind: 'retryable', httpStatus: 503 } });
    expect(sim.inboundMessages).toHaveLength(0);
  });

  it('is refused by the simulator without the fields Genesys requires', async () => {
    expect(await post({ originatingMessageId: undefined as never })).toMatchObject({
      ok: false,
      error: { kind: 'permanent', httpStatus: 400 },
    });
  });
});
