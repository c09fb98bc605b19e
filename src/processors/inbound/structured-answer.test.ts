import { fixtureJson } from '../../../test/support/fixtures';
import { metaInboundMessagesOf } from '../../commands/customer/meta-inbound-messages';
import { structuredAnswerOf } from './structured-answer';

/** The one message of a Meta fixture, as the inbound parser records it. */
const metaFixtureMessage = (name: string) => {
  const [message] = metaInboundMessagesOf(fixtureJson(`meta/${name}.json`), 'a'.repeat(64)).messages;
  if (!message) throw new Error(`${name} has no message`);
  return message;
};

describe('structuredAnswerOf', () => {
  const context = { replyTo: 'wamid.business' };

  it('answers a reply button or list row with its id as the quick reply payload', () => {
    expect(
      structuredAnswerOf({
        content: { kind: 'interactive', replyKind: 'button_reply', id: 'change-button', title: 'Change' },
        context,
      }),
    ).toEqual({
      answers: 'wamid.business',
      buttonType: 'QuickReply',
      text: 'Change',
      payload: 'change-button',
    });
    expect(
      structuredAnswerOf({
        content: {
          kind: 'interactive',
          replyKind: 'list_reply',
          id: 'row-2',
          title: 'Two',
          description: 'd',
        },
        context,
      }),
    ).toMatchObject({ buttonType: 'QuickReply', text: 'Two', payload: 'row-2' });
  });

  it('answers a template button, its text standing in for a missing payload', () => {
    expect(
      structuredAnswerOf({ content: { kind: 'button', text: 'Stop', payload: 'STOP' }, context }),
    ).toEqual({ answers: 'wamid.business', buttonType: 'Button', text: 'Stop', payload: 'STOP' });
    expect(structuredAnswerOf({ content: { kind: 'button', text: 'Stop' }, context })).toMatchObject({
      payload: 'Stop',
    });
  });

  it("answers Meta's reply button example with the buttonResponse of the Genesys structured response fixture", () => {
    const meta = fixtureJson<{
      entry: { changes: { value: { messages: { context: { id: string } }[] } }[] }[];
    }>('meta/inbound-interactive-button-reply.json');
    const genesys = fixtureJson<{ buttonResponse: { type: string; text: string; payload: string } }>(
      'genesys/inbound-structured-response-request.json',
    );
    expect(structuredAnswerOf(metaFixtureMessage('inbound-interactive-button-reply'))).toEqual({
      answers: meta.entry[0]!.changes[0]!.value.messages[0]!.context.id,
      buttonType: genesys.buttonResponse.type,
      text: genesys.buttonResponse.text,
      payload: genesys.buttonResponse.payload,
    });
  });

  it("answers Meta's template quick-reply button example as a Button naming the template message", () => {
    expect(structuredAnswerOf(metaFixtureMessage('inbound-button'))).toEqual({
      answers: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
      buttonType: 'Button',
      text: 'Unsubscribe',
      payload: 'Unsubscribe',
    });
  });

  it('is no structured answer without the message answered, nor for other content', () => {
    expect(
      structuredAnswerOf({
        content: { kind: 'interactive', replyKind: 'button_reply', id: 'a', title: 'A' },
      }),
    ).toBeUndefined();
    expect(structuredAnswerOf({ content: { kind: 'text', body: 'Change' }, context })).toBeUndefined();
  });
});
