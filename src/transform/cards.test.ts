import type { OutboundCard, OutboundContent } from './outbound-content';
import { toMetaMessages } from './to-meta-messages';

const WA = { waId: '15550100199' };
const to = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+15550100199' } as const;

const withCards = (cards: OutboundCard[], text?: string): OutboundContent => ({
  messageType: 'Structured',
  isSendable: true,
  ...(text === undefined ? {} : { text }),
  attachments: [],
  cards,
});

const postback = (text: string) => ({ type: 'Postback', text, payload: `pb-${text}` });

describe('cards', () => {
  it('one card with reply actions → reply buttons, title as header, description as body', () => {
    const card = {
      title: 'Plan A',
      description: '10 GB, 5 €',
      actions: [postback('Choose'), postback('Details')],
    };
    expect(toMetaMessages(withCards([card]), WA)).toEqual({
      ok: true,
      messages: [
        {
          ...to,
          type: 'interactive',
          interactive: {
            type: 'button',
            header: { type: 'text', text: 'Plan A' },
            body: { text: '10 GB, 5 €' },
            action: {
              buttons: [
                { type: 'reply', reply: { id: 'pb-Choose', title: 'Choose' } },
                { type: 'reply', reply: { id: 'pb-Details', title: 'Details' } },
              ],
            },
          },
        },
      ],
      notes: [],
    });
  });

  it('a card without description uses its title as the body; a long title goes into the body', () => {
    const untitled = toMetaMessages(withCards([{ title: 'Proceed?', actions: [postback('Yes')] }]), WA);
    expect(untitled.ok && untitled.messages[0]).toMatchObject({
      interactive: { body: { text: 'Proceed?' } },
    });
    expect(untitled.ok && untitled.messages[0]).not.toHaveProperty('interactive.header');
    const title = 't'.repeat(61);
    const long = toMetaMessages(withCards([{ title, description: 'd', actions: [postback('Yes')] }]), WA);
    expect(long.ok && long.messages[0]).toMatchObject({ interactive: { body: { text: `${title}\n\nd` } } });
  });

  it('URL buttons → text with every label and URL; image and default action noted', () => {
    const card: OutboundCard = {
      title: 'Our shop',
      description: 'Open 9–17',
      image: 'https://img.test/shop.png',
      defaultAction: { type: 'Link', url: 'https://shop.test' },
      actions: [{ type: 'Link', text: 'Visit', url: 'https://shop.test' }, postback('Call me')],
    };
    expect(toMetaMessages(withCards([card], 'Here you go'), WA)).toEqual({
      ok: true,
      messages: [
        { ...to, type: 'text', text: { preview_url: false, body: 'Here you go' } },
        {
          ...to,
          type: 'text',
          text: { preview_url: false, body: '*Our shop*\nOpen 9–17\n- Visit: https://shop.test\n- Call me' },
        },
      ],
      notes: [
        'card "Our shop" image https://img.test/shop.png is not sent',
        'card "Our shop" default action (tapping the card) has no WhatsApp equivalent',
        'card "Our shop" cannot be reply buttons: it has URL buttons, which free-form WhatsApp messages lack; ' +
          'sent as text; the customer answers in free text, so reply payloads are not returned: "pb-Call me"',
      ],
    });
  });

  it('treats an action with a URL as a link even without a type', () => {
    const result = toMetaMessages(
      withCards([{ title: 'Docs', actions: [{ text: 'Read', url: 'https://d.test' }] }]),
      WA,
    );
    expect(result).toMatchObject({
      messages: [{ type: 'text', text: { body: '*Docs*\n- Read: https://d.test' } }],
    });
  });

  it('a carousel → one text with each card in order', () => {
    const result = toMetaMessages(
      withCards([
        { title: 'A', actions: [postback('Pick A')] },
        { title: 'B', video: 'https://v.test/b.mp4', actions: [{ type: 'Link', url: 'https://b.test' }] },
      ]),
      WA,
    );
    expect(result).toEqual({
      ok: true,
      messages: [
        { ...to, type: 'text', text: { preview_url: false, body: '*A*\n- Pick A\n\n*B*\n- https://b.test' } },
      ],
      notes: [
        'card "B" video https://v.test/b.mp4 is not sent',
        '2 cards (a carousel) have no WhatsApp equivalent; sent as text; the customer answers in free text, ' +
          'so reply payloads are not returned: "pb-Pick A"',
      ],
    });
  });

  it('a card with four reply actions does not fit buttons and goes out as text', () => {
    const result = toMetaMessages(
      withCards([{ title: 'Menu', actions: ['1', '2', '3', '4'].map(postback) }]),
      WA,
    );
    expect(result).toMatchObject({
      messages: [{ type: 'text', text: { body: '*Menu*\n- 1\n- 2\n- 3\n- 4' } }],
      notes: [expect.stringContaining('cannot be reply buttons: 4 choices exceed 3')],
    });
  });

  it('refuses cards beside quick replies or an attachment', () => {
    const card = { title: 'A', actions: [] };
    expect(toMetaMessages({ ...withCards([card]), quickReplies: [{ text: 'x' }] }, WA)).toEqual({
      ok: false,
      reason: 'UnsupportedContent',
      message: 'quick replies and cards in one message',
    });
    expect(
      toMetaMessages(
        { ...withCards([card]), attachments: [{ mediaType: 'Image', url: 'https://dl.test/a' }] },
        WA,
      ),
    ).toEqual({ ok: false, reason: 'UnsupportedContent', message: 'an attachment and cards in one message' });
  });
});
