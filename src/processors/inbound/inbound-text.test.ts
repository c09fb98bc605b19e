import type { InboundContent } from '../../events/schemas/inbound-message-received';
import { renderInboundText } from './inbound-text';

const text = (content: InboundContent, context?: { replyTo?: string; forwarded?: boolean }) =>
  renderInboundText({ content, ...(context ? { context } : {}) });

describe('renderInboundText', () => {
  it('passes text through', () => {
    expect(text({ kind: 'text', body: 'Hello' })).toBe('Hello');
  });

  it('notes a reply and a forward before the text', () => {
    expect(text({ kind: 'text', body: 'Yes' }, { replyTo: 'wamid.1' })).toBe(
      '[Reply to an earlier message]\nYes',
    );
    expect(text({ kind: 'text', body: 'Look' }, { forwarded: true })).toBe('[Forwarded]\nLook');
  });

  it('renders a location with a maps link', () => {
    expect(
      text({
        kind: 'location',
        latitude: 37.483307,
        longitude: -122.148981,
        name: 'Main Office',
        address: '1 Hacker Way',
      }),
    ).toBe('📍 Main Office\n1 Hacker Way\nhttps://maps.google.com/?q=37.483307,-122.148981');
    expect(text({ kind: 'location', latitude: 1, longitude: 2 })).toBe(
      '📍 Location\nhttps://maps.google.com/?q=1,2',
    );
  });

  it('renders contact cards', () => {
    expect(
      text({
        kind: 'contacts',
        contacts: [
          {
            name: 'Barbara J. Johnson',
            phones: [{ phone: '+1 (650) 555-1234' }],
            emails: ['b@example.com'],
            organization: 'Example, Inc.',
          },
          { phones: [], emails: [] },
        ],
      }),
    ).toBe('👤 Barbara J. Johnson\n📞 +1 (650) 555-1234\n✉️ b@example.com\n🏢 Example, Inc.\n\n👤 Contact');
  });

  it('renders interactive and template button replies as the chosen text', () => {
    expect(
      text({ kind: 'interactive', replyKind: 'button_reply', id: 'b1', title: 'Change' }, { replyTo: 'w' }),
    ).toBe('Change');
    expect(
      text({
        kind: 'interactive',
        replyKind: 'list_reply',
        id: 'r',
        title: 'Priority Mail',
        description: 'Next day',
      }),
    ).toBe('Priority Mail\nNext day');
    expect(text({ kind: 'button', payload: 'STOP', text: 'Unsubscribe' })).toBe('Unsubscribe');
  });

  it('renders reactions', () => {
    expect(text({ kind: 'reaction', emoji: '👍', messageId: 'wamid.1' })).toBe('Reacted 👍 to a message');
    expect(text({ kind: 'reaction', messageId: 'wamid.1' })).toBe('Removed a reaction');
  });

  it('renders media as its caption, else a label', () => {
    const media = { kind: 'media', mediaId: '1', mime: 'image/jpeg' } as const;
    expect(text({ ...media, mediaKind: 'image', caption: 'My receipt' })).toBe('My receipt');
    expect(text({ ...media, mediaKind: 'audio', voice: true })).toBe('[Voice message]');
    expect(text({ ...media, mediaKind: 'document', filename: 'a.pdf' })).toBe('[Document: a.pdf]');
  });

  it('renders an unsupported message as a note with Meta’s reason', () => {
    expect(
      text({
        kind: 'unsupported',
        errors: [
          {
            code: 131051,
            title: 'Message type unknown',
            details: 'Message type is currently not supported.',
          },
        ],
      }),
    ).toBe(
      '[The customer sent a message WhatsApp does not pass on (Message type is currently not supported.)]',
    );
    expect(text({ kind: 'unsupported', errors: [] })).toBe(
      '[The customer sent a message WhatsApp does not pass on]',
    );
  });
});
