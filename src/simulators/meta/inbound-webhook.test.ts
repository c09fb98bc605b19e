import { fixtureJson, fixtureNames } from '../../../test/support/fixtures';
import { buildInboundWebhook, type InboundCustomerSpec, type InboundWebhookInput } from './inbound-webhook';

interface MetaContact {
  profile?: { name?: string; username?: string };
  wa_id?: string;
  user_id?: string;
}
interface MetaInboundBody {
  entry: {
    id: string;
    changes: {
      value: {
        metadata: { display_phone_number: string; phone_number_id: string };
        contacts: MetaContact[];
        messages: ({ type: string; id: string; timestamp: string } & Record<string, unknown>)[];
      };
    }[];
  }[];
}

/** What a test would tell the simulator to reproduce a fixture: its customer, its message, its numbers. */
const inputFor = (body: MetaInboundBody): InboundWebhookInput => {
  const entry = body.entry[0]!;
  const { metadata, contacts, messages } = entry.changes[0]!.value;
  const contact = contacts[0]!;
  const customer: InboundCustomerSpec = {
    ...(contact.wa_id !== undefined ? { waId: contact.wa_id } : {}),
    ...(contact.user_id !== undefined ? { userId: contact.user_id } : {}),
    ...(contact.profile?.name !== undefined ? { name: contact.profile.name } : {}),
    ...(contact.profile?.username !== undefined ? { username: contact.profile.username } : {}),
  };
  return {
    customer,
    // The simulator fills in the sender itself; everything else of Meta's message object is passed as it is.
    messages: messages.map(({ from: _from, from_user_id: _fromUserId, ...message }) => message),
    phoneNumberId: metadata.phone_number_id,
    displayPhoneNumber: metadata.display_phone_number,
    wabaId: entry.id,
  };
};

/**
 * The fixtures that are Meta's examples. The two business-scoped-user fixtures are not: one has an empty `from` and
 * `wa_id` where Meta's reference leaves both out, the other no `from_user_id`, which Meta's BSUID page shows on
 * every message (test/fixtures/SOURCES.md); the last test here covers that shape.
 */
const metaShaped = fixtureNames('meta', 'inbound-').filter((name) => !name.includes('business-scoped-user'));

describe('buildInboundWebhook (the Meta simulator) against Meta’s reference examples', () => {
  it('covers every message type of the fixtures', () => {
    const types = metaShaped.map(
      (name) => fixtureJson<MetaInboundBody>(name).entry[0]!.changes[0]!.value.messages[0]!.type,
    );
    expect(new Set(types)).toEqual(
      new Set([
        'text',
        'image',
        'audio',
        'video',
        'document',
        'sticker',
        'location',
        'contacts',
        'button',
        'interactive',
        'reaction',
        'unsupported',
      ]),
    );
  });

  it.each(metaShaped)('builds %s from its customer and message', (name) => {
    const fixture = fixtureJson<MetaInboundBody>(name);
    expect(buildInboundWebhook(inputFor(fixture))).toEqual(fixture);
  });

  it('leaves `from` and `wa_id` out for a customer known only by a business-scoped id', () => {
    const body = buildInboundWebhook({
      customer: { userId: 'US.13491208655302741918', username: '@sheena.nelson' },
      messages: ['Hello'],
    }) as unknown as MetaInboundBody;
    const { contacts, messages } = body.entry[0]!.changes[0]!.value;
    expect(contacts[0]).not.toHaveProperty('wa_id');
    expect(contacts[0]).toMatchObject({ user_id: 'US.13491208655302741918' });
    expect(messages[0]).not.toHaveProperty('from');
    expect(messages[0]).toMatchObject({ from_user_id: 'US.13491208655302741918', type: 'text' });
  });
});
