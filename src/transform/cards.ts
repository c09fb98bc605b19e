/**
 * Genesys Card and Carousel contents. WhatsApp's free-form (non-template) messages have no cards: one card whose
 * actions are all replies becomes reply buttons (title as header, description as body); anything else (URL
 * buttons, several cards, too many actions) becomes text that keeps every title, description, label and URL.
 */
import { asReplyButtons, type Choice } from './interactive-choices';
import { META_LIMITS } from './meta-limits';
import type { OutboundCard, OutboundCardAction } from './outbound-content';
import { textContents } from './text-message';
import type { PlannedContents } from './transform-result';

const isLink = (action: OutboundCardAction) => action.type === 'Link' || action.url !== undefined;

const labelOf = (action: OutboundCardAction): string => action.text ?? action.payload ?? action.url ?? '';

const mediaNotes = (card: OutboundCard): string[] => [
  ...(card.image === undefined ? [] : [`card "${card.title}" image ${card.image} is not sent`]),
  ...(card.video === undefined ? [] : [`card "${card.title}" video ${card.video} is not sent`]),
  ...(card.defaultAction === undefined
    ? []
    : [`card "${card.title}" default action (tapping the card) has no WhatsApp equivalent`]),
];

/** Reply buttons for one card, when every action is a reply and Meta's limits allow. */
const asButtons = (
  card: OutboundCard,
): { ok: true; contents: PlannedContents['contents'] } | { ok: false; why: string } => {
  if ((card.actions ?? []).some(isLink))
    return { ok: false, why: 'it has URL buttons, which free-form WhatsApp messages lack' };
  const choices: Choice[] = (card.actions ?? []).map((action) => ({
    title: labelOf(action),
    id: action.payload ?? labelOf(action),
  }));
  const hasHeader = card.description !== undefined && card.title.length <= META_LIMITS.interactiveHeader;
  const body = hasHeader
    ? card.description
    : card.description === undefined
      ? card.title
      : `${card.title}\n\n${card.description}`;
  const fit = asReplyButtons(body, choices, hasHeader ? card.title : undefined);
  return fit.ok ? { ok: true, contents: [{ type: 'interactive', interactive: fit.interactive }] } : fit;
};

const cardAsText = (card: OutboundCard): string => {
  const lines = [`*${card.title}*`];
  if (card.description !== undefined) lines.push(card.description);
  for (const action of card.actions ?? []) {
    const label = labelOf(action);
    lines.push(
      isLink(action) && action.url !== undefined && action.url !== label
        ? `- ${label}: ${action.url}`
        : `- ${label}`,
    );
  }
  return lines.join('\n');
};

export const cardContents = (cards: readonly OutboundCard[]): PlannedContents => {
  const notes = cards.flatMap(mediaNotes);
  const [only] = cards;
  let why = `${cards.length} cards (a carousel) have no WhatsApp equivalent`;
  if (cards.length === 1 && only !== undefined) {
    const buttons = asButtons(only);
    if (buttons.ok) return { contents: buttons.contents, notes };
    why = `card "${only.title}" cannot be reply buttons: ${buttons.why}`;
  }
  const replies = cards.flatMap((card) => (card.actions ?? []).filter((action) => !isLink(action)));
  notes.push(
    `${why}; sent as text` +
      (replies.length === 0
        ? ''
        : `; the customer answers in free text, so reply payloads are not returned: ${replies
            .map((action) => JSON.stringify(action.payload ?? labelOf(action)))
            .join(', ')}`),
  );
  return { contents: textContents(cards.map(cardAsText).join('\n\n')), notes };
};
