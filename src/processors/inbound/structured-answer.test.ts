import { structuredAnswerOf } from './structured-answer';

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

  it('is no structured answer without the message answered, nor for other content', () => {
    expect(
      structuredAnswerOf({
        content: { kind: 'interactive', replyKind: 'button_reply', id: 'a', title: 'A' },
      }),
    ).toBeUndefined();
    expect(structuredAnswerOf({ content: { kind: 'text', body: 'Change' }, context })).toBeUndefined();
  });
});
