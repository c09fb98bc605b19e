/**
 * Decides which Meta messages one Genesys message becomes, in order:
 *   [media] → [text that could not ride on the media] → [buttons / list / cards / text].
 * A template is always sent alone. Combinations we would have to invent an order or a meaning for (two
 * attachments, a template plus an attachment, quick replies plus cards) fail as UnsupportedContent instead.
 */
import { cardContents } from './cards';
import { mediaContent } from './media-message';
import type { MetaMessageContent } from './meta-message';
import type { OutboundContent, StoredMedia, TransformOptions } from './outbound-content';
import { quickReplyContents } from './quick-replies';
import { templateContents } from './template-message';
import { meaningfulText, textContents } from './text-message';
import { failure, type PlannedContents, type TransformFailure } from './transform-result';

/** Meta requires a label on the button that opens a list; Genesys has no field for it. */
export const DEFAULT_LIST_BUTTON_LABEL = 'Options';

const joinTexts = (texts: (string | undefined)[]): string | undefined => {
  const present = texts.filter((text): text is string => text !== undefined);
  return present.length === 0 ? undefined : present.join('\n\n');
};

const describeAlongside = (content: OutboundContent): string[] => [
  ...(content.attachments.length > 0 ? ['attachments'] : []),
  ...((content.quickReplies ?? []).length > 0 ? ['quick replies'] : []),
  ...((content.cards ?? []).length > 0 ? ['cards'] : []),
];

export const planContents = (
  content: OutboundContent,
  media: StoredMedia | undefined,
  options: TransformOptions,
): ({ ok: true } & PlannedContents) | TransformFailure => {
  const notes = (content.unhandledContent ?? []).map(
    (contentType) => `${contentType} content has no WhatsApp equivalent and is not sent`,
  );
  const text = meaningfulText(content.text);
  if (text === undefined && content.text !== undefined && content.text !== '') {
    notes.push('the text is only whitespace and is not sent');
  }

  if (content.template !== undefined) {
    const alongside = describeAlongside(content);
    if (alongside.length > 0) {
      return failure(
        'UnsupportedContent',
        `a template is sent on its own, but this message also has ${alongside.join(', ')}`,
      );
    }
    const planned = templateContents(content.template, text, options.templateDefaults);
    return planned.ok
      ? { ok: true, contents: planned.contents, notes: [...notes, ...planned.notes] }
      : planned;
  }

  const quickReplies = content.quickReplies ?? [];
  const cards = content.cards ?? [];
  const links = content.attachments.filter((attachment) => attachment.mediaType === 'Link');
  const files = content.attachments.filter((attachment) => attachment.mediaType !== 'Link');
  if (files.length > 1) {
    return failure(
      'UnsupportedContent',
      `${files.length} attachments in one message; one per message is supported`,
    );
  }
  if (quickReplies.length > 0 && cards.length > 0) {
    return failure('UnsupportedContent', 'quick replies and cards in one message');
  }
  if (files.length > 0 && cards.length > 0) {
    return failure('UnsupportedContent', 'an attachment and cards in one message');
  }

  // A Link attachment is a URL the agent shared, not a file: it joins the text, and Meta may preview it.
  const previewUrl = links.length > 0;
  const linkLines = links.map((link) => {
    const caption = meaningfulText(link.text);
    return caption === undefined ? link.url : `${caption}\n${link.url}`;
  });
  let body = joinTexts([text, ...linkLines]);
  const hasChoices = quickReplies.length > 0;
  const contents: MetaMessageContent[] = [];

  const [file] = files;
  if (file !== undefined) {
    const ownCaption = meaningfulText(media?.caption ?? file.text);
    // With quick replies the message text is the buttons' body; otherwise it is the caption unless the
    // attachment has its own, in which case the text follows the media.
    const caption = hasChoices ? ownCaption : (ownCaption ?? body);
    const textAfter = hasChoices || body === caption ? undefined : body;
    if (!hasChoices) body = undefined;

    const built = mediaContent(file, media, caption);
    if (!built.ok) return built;
    contents.push(built.content);
    notes.push(...built.notes);
    const leftover = joinTexts([built.isCaptionCarried ? undefined : caption, textAfter]);
    if (leftover !== undefined) contents.push(...textContents(leftover, previewUrl));
  }

  if (hasChoices) {
    const planned = quickReplyContents(
      body,
      quickReplies,
      options.listButtonLabel ?? DEFAULT_LIST_BUTTON_LABEL,
    );
    contents.push(...planned.contents);
    notes.push(...planned.notes);
  } else {
    if (body !== undefined) contents.push(...textContents(body, previewUrl));
    if (cards.length > 0) {
      const planned = cardContents(cards);
      contents.push(...planned.contents);
      notes.push(...planned.notes);
    }
  }

  if (contents.length === 0) {
    return (content.unhandledContent ?? []).length > 0
      ? failure(
          'UnsupportedContent',
          `nothing WhatsApp can show: ${(content.unhandledContent ?? []).join(', ')}`,
        )
      : failure('NothingToSend', 'the message has no text, attachment, template or choices');
  }
  return { ok: true, contents, notes };
};
