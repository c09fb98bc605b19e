import { validateEvent } from '../../events/encode';
import type { ConversationLinkedData } from '../../events/schemas/conversation-linked';
import type { ConversationEvent } from '../../events/schemas/conversation-events';
import { given } from '../testing';
import type { LinkConversation } from './commands';
import { conversationDecider } from './decider';

const givenConversation = (events: ConversationEvent[]) =>
  given(conversationDecider, events, { validate: (event) => validateEvent(event) });

const base: ConversationLinkedData = { conversationId: 'abc-123', waId: '919876543210', contactName: 'Asha' };
const link = (overrides: Partial<LinkConversation> = {}): LinkConversation => ({
  type: 'LinkConversation',
  ...base,
  ...overrides,
});
const linked = (overrides: Partial<ConversationLinkedData> = {}): ConversationEvent => ({
  type: 'ConversationLinked',
  data: { ...base, ...overrides },
});

describe('conversation link', () => {
  it('links a new conversation', () => givenConversation([]).when(link()).then([linked()]));

  it('links a new conversation without a contact name', () =>
    givenConversation([])
      .when(link({ contactName: undefined }))
      .then([{ type: 'ConversationLinked', data: { conversationId: 'abc-123', waId: '919876543210' } }]));

  it('ignores an identical re-link', () => givenConversation([linked()]).when(link()).then([]));

  it('re-links to a new WhatsApp id', () =>
    givenConversation([linked()])
      .when(link({ waId: '447700900123' }))
      .then([linked({ waId: '447700900123' })]));

  it('records a changed contact name', () =>
    givenConversation([linked()])
      .when(link({ contactName: 'Asha K.' }))
      .then([linked({ contactName: 'Asha K.' })]));

  it('records a changed business phone number', () =>
    givenConversation([linked()])
      .when(link({ phoneNumberId: '7654321', displayPhoneNumber: '+1 555 0100' }))
      .then([linked({ phoneNumberId: '7654321', displayPhoneNumber: '+1 555 0100' })]));

  it('treats an omitted contact name as unchanged, not cleared', () =>
    givenConversation([linked()])
      .when(link({ contactName: undefined }))
      .then([]));

  it('records the whole link when one field changes, keeping the fields the command omitted', () =>
    givenConversation([linked({ phoneNumberId: '1234567' })])
      .when(link({ waId: '447700900123', contactName: undefined }))
      .then([linked({ waId: '447700900123', phoneNumberId: '1234567' })]));

  it('refuses a command for another conversation than its stream', () =>
    givenConversation([linked()])
      .when(link({ conversationId: 'other' }))
      .thenThrows('ConversationMismatch'));
});

describe('conversation link of a customer known by a business-scoped user id', () => {
  const BSUID = 'US.13491208655302741918';
  const byUser: ConversationLinkedData = { conversationId: 'abc-123', userId: BSUID, contactName: 'asha.k' };

  it('links a conversation to a customer who has no wa_id', () =>
    givenConversation([])
      .when({ type: 'LinkConversation', ...byUser })
      .then([{ type: 'ConversationLinked', data: byUser }]));

  it('keeps the user id when the same customer is later named by a wa_id too', () =>
    givenConversation([{ type: 'ConversationLinked', data: byUser }])
      .when({ type: 'LinkConversation', conversationId: 'abc-123', waId: '919876543210', userId: BSUID })
      .then([{ type: 'ConversationLinked', data: { ...byUser, waId: '919876543210' } }]));

  it('keeps the user id it learned when the same customer is re-linked by wa_id alone', () =>
    givenConversation([linked({ userId: BSUID })])
      .when(link())
      .then([]));

  it('adds the user id to a link made by wa_id', () =>
    givenConversation([linked()])
      .when(link({ userId: BSUID }))
      .then([linked({ userId: BSUID })]));

  it('drops the previous customer’s user id when the conversation is re-linked to another wa_id', () =>
    givenConversation([linked({ userId: BSUID })])
      .when(link({ waId: '447700900123' }))
      .then([linked({ waId: '447700900123' })]));

  it('drops the previous customer’s wa_id when the conversation is re-linked to another user id', () =>
    givenConversation([linked({ userId: BSUID })])
      .when({ type: 'LinkConversation', conversationId: 'abc-123', userId: 'US.99' })
      .then([
        {
          type: 'ConversationLinked',
          data: { conversationId: 'abc-123', userId: 'US.99', contactName: 'Asha' },
        },
      ]));

  it('refuses a link that names no customer', () =>
    expect(() =>
      givenConversation([]).when({ type: 'LinkConversation', conversationId: 'abc-123' }).then([]),
    ).toThrow());
});
