/**
 * The text Genesys shows the agent for an inbound WhatsApp message. Open Messaging carries text and attachments,
 * so everything else (a location, a contact card, a reaction, a button reply) becomes short readable text. Pure.
 */
import type {
  InboundContent,
  InboundMessageReceivedData,
} from '../../events/schemas/inbound-message-received';

const MEDIA_LABELS = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  document: 'Document',
  sticker: 'Sticker',
};

export const mapsLink = (latitude: number, longitude: number): string =>
  `https://maps.google.com/?q=${latitude},${longitude}`;

const contentText = (content: InboundContent): string => {
  switch (content.kind) {
    case 'text':
      return content.body;
    case 'media': {
      const label = content.voice ? 'Voice message' : MEDIA_LABELS[content.mediaKind];
      const name = content.filename ? `: ${content.filename}` : '';
      return content.caption ?? `[${label}${name}]`;
    }
    case 'location':
      return [
        `📍 ${content.name ?? 'Location'}`,
        content.address,
        mapsLink(content.latitude, content.longitude),
      ]
        .filter((line) => line !== undefined)
        .join('\n');
    case 'contacts':
      return content.contacts
        .map((contact) =>
          [
            `👤 ${contact.name ?? 'Contact'}`,
            ...contact.phones.map((phone) => `📞 ${phone.phone}`),
            ...contact.emails.map((email) => `✉️ ${email}`),
            ...(contact.organization ? [`🏢 ${contact.organization}`] : []),
          ].join('\n'),
        )
        .join('\n\n');
    case 'interactive':
      return content.description ? `${content.title}\n${content.description}` : content.title;
    case 'button':
      return content.text;
    case 'reaction':
      return content.emoji ? `Reacted ${content.emoji} to a message` : 'Removed a reaction';
    case 'unsupported': {
      const reason = content.errors[0]?.details ?? content.errors[0]?.title;
      return `[The customer sent a message WhatsApp does not pass on${reason ? ` (${reason})` : ''}]`;
    }
  }
};

/** The whole text: what the message carries, after a short note of forwarding and of the message it replies to. */
export const renderInboundText = (
  message: Pick<InboundMessageReceivedData, 'content' | 'context'>,
): string => {
  const notes = [
    ...(message.context?.forwarded ? ['[Forwarded]'] : []),
    // A reaction names its message itself; buttons and list replies always answer one: nothing to add for those.
    ...(message.context?.replyTo && message.content.kind === 'text' ? ['[Reply to an earlier message]'] : []),
  ];
  return [...notes, contentText(message.content)].join('\n');
};
