import type { OutboundContent, OutboundQuickReply } from './outbound-content';
import { toMetaMessages } from './to-meta-messages';

const WA = { waId: '15550100199' };
const to = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+15550100199' } as const;

const options = (count: number): OutboundQuickReply[] =>
  Array.from({ length: count }, (_, i) => ({ text: `Option ${i + 1}`, payload: `opt-${i + 1}` }));

/** `null` for a message without text. */
const structured = (
  quickReplies: OutboundQuickReply[],
  text: string | null = 'Pick one',
): OutboundContent => ({
  messageType: 'Structured',
  isSendable: true,
  ...(text === null ? {} : { text }),
  attachments: [],
  quickReplies,
});

describe('quick replies', () => {
  it('3 options → reply buttons, payload as the reply id', () => {
    expect(toMetaMessages(structured(options(3)), WA)).toEqual({
      ok: true,
      messages: [
        {
          ...to,
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'Pick one' },
            action: {
              buttons: [
                { type: 'reply', reply: { id: 'opt-1', title: 'Option 1' } },
                { type: 'reply', reply: { id: 'opt-2', title: 'Option 2' } },
                { type: 'reply', reply: { id: 'opt-3', title: 'Option 3' } },
              ],
            },
          },
        },
      ],
      notes: [],
    });
  });

  it('5 options → a list with one row each', () => {
    expect(toMetaMessages(structured(options(5)), WA)).toEqual({
      ok: true,
      messages: [
        {
          ...to,
          type: 'interactive',
          interactive: {
            type: 'list',
            body: { text: 'Pick one' },
            action: {
              button: 'Options',
              sections: [
                {
                  rows: [1, 2, 3, 4, 5].map((n) => ({ id: `opt-${n}`, title: `Option ${n}` })),
                },
              ],
            },
          },
        },
      ],
      notes: ['5 quick replies sent as a list, not buttons: 5 choices exceed 3'],
    });
  });

  it('12 options → text listing every option, with a note of what is lost', () => {
    const result = toMetaMessages(structured(options(12)), WA);
    expect(result).toEqual({
      ok: true,
      messages: [
        {
          ...to,
          type: 'text',
          text: {
            preview_url: false,
            body: ['Pick one', '', ...Array.from({ length: 12 }, (_, i) => `- Option ${i + 1}`)].join('\n'),
          },
        },
      ],
      notes: [
        '12 quick replies sent as text, not buttons (12 choices exceed 3) nor a list (12 choices exceed 10); ' +
          'the customer answers in free text, so their payloads are not returned: ' +
          Array.from({ length: 12 }, (_, i) => `"opt-${i + 1}"`).join(', '),
      ],
    });
  });

  it('10 options is still a list; 11 is text', () => {
    expect(toMetaMessages(structured(options(10)), WA)).toMatchObject({
      messages: [{ interactive: { type: 'list' } }],
    });
    expect(toMetaMessages(structured(options(11)), WA)).toMatchObject({ messages: [{ type: 'text' }] });
  });

  it('uses the option text as the id when Genesys gives no payload', () => {
    const result = toMetaMessages(structured([{ text: 'Yes' }, { text: 'No' }]), WA);
    expect(result.ok && result.messages[0]).toMatchObject({
      interactive: {
        action: { buttons: [{ reply: { id: 'Yes', title: 'Yes' } }, { reply: { id: 'No', title: 'No' } }] },
      },
    });
  });

  it('a title over 20 characters moves 3 options to a list; over 24 to text; titles are never cut', () => {
    const long21 = [{ text: 'x'.repeat(21), payload: 'a' }, ...options(2)];
    expect(toMetaMessages(structured(long21), WA)).toMatchObject({
      messages: [{ interactive: { type: 'list' } }],
      notes: [
        `3 quick replies sent as a list, not buttons: "${'x'.repeat(21)}" is longer than 20 characters`,
      ],
    });
    const long25 = [{ text: 'y'.repeat(25), payload: 'a' }, ...options(2)];
    const result = toMetaMessages(structured(long25), WA);
    expect(result.ok && result.messages[0]).toMatchObject({
      type: 'text',
      text: { body: expect.stringContaining(`- ${'y'.repeat(25)}`) },
    });
  });

  it('duplicate titles cannot be buttons (Meta requires unique titles) but can be list rows', () => {
    const result = toMetaMessages(
      structured([
        { text: 'Same', payload: '1' },
        { text: 'Same', payload: '2' },
      ]),
      WA,
    );
    expect(result).toMatchObject({
      messages: [{ interactive: { type: 'list' } }],
      notes: ['2 quick replies sent as a list, not buttons: two choices share a title'],
    });
  });

  it('a reply id over 200 characters is a button but cannot be a list row', () => {
    const ids = (payload: string) => [...options(3), { text: 'Last', payload }];
    expect(toMetaMessages(structured(ids('p'.repeat(200))), WA)).toMatchObject({
      messages: [{ interactive: { type: 'list' } }],
    });
    expect(toMetaMessages(structured(ids('p'.repeat(201))), WA)).toMatchObject({
      messages: [{ type: 'text' }],
    });
    expect(toMetaMessages(structured([{ text: 'A', payload: 'p'.repeat(256) }]), WA)).toMatchObject({
      messages: [{ interactive: { type: 'button' } }],
    });
  });

  it('duplicate or oversized reply ids fall back to text', () => {
    const duplicate = toMetaMessages(
      structured([
        { text: 'A', payload: 'p' },
        { text: 'B', payload: 'p' },
      ]),
      WA,
    );
    expect(duplicate).toMatchObject({ messages: [{ type: 'text' }] });
    expect(duplicate.ok && duplicate.notes[0]).toContain('two choices share a reply id');
    const padded = toMetaMessages(structured([{ text: 'A', payload: ' p ' }]), WA);
    expect(padded).toMatchObject({ messages: [{ type: 'text' }] });
    const long = toMetaMessages(structured([{ text: 'A', payload: 'p'.repeat(257) }]), WA);
    expect(long.ok && long.notes[0]).toContain('longer than 256');
    expect(long.ok && long.notes[0]).toContain('longer than 200');
  });

  it('without a text there is no interactive body: the options go out as text', () => {
    const result = toMetaMessages(structured(options(2), null), WA);
    expect(result).toMatchObject({
      messages: [{ type: 'text', text: { body: '- Option 1\n- Option 2' } }],
    });
    expect(result.ok && result.notes[0]).toContain('WhatsApp interactive messages need a body text');
  });

  it('a text over 1024 characters cannot be an interactive body', () => {
    const result = toMetaMessages(structured(options(2), 'z'.repeat(1025)), WA);
    expect(result.ok && result.notes[0]).toContain('longer than an interactive body (1024)');
    expect(result.ok && result.messages).toHaveLength(1);
  });

  it('notes quick-reply images, which buttons cannot show', () => {
    const result = toMetaMessages(
      structured([{ text: 'Cat', payload: 'c', image: 'https://img.test/cat.png' }]),
      WA,
    );
    expect(result.ok && result.notes).toEqual([
      'quick reply "Cat" has an image; WhatsApp buttons cannot show one',
    ]);
  });

  it('takes the list button label from the options and refuses one Meta would refuse', () => {
    const labelled = toMetaMessages(structured(options(4)), WA, undefined, { listButtonLabel: 'Choisir' });
    expect(labelled).toMatchObject({ messages: [{ interactive: { action: { button: 'Choisir' } } }] });
    const tooLong = toMetaMessages(structured(options(4)), WA, undefined, {
      listButtonLabel: 'l'.repeat(21),
    });
    expect(tooLong).toMatchObject({ messages: [{ type: 'text' }] });
  });
});
