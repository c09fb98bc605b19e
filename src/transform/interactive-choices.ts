/**
 * Offering the customer a few choices as a WhatsApp interactive message: reply buttons when they fit, a list
 * when they do not. "Fits" is Meta's rules, checked here so that a message Meta would refuse falls back to
 * something we can send (the callers' text fallback) instead of failing at send time.
 *
 * Meta (interactive reply buttons / list messages): 1–3 buttons, title ≤ 20 characters and unique within the
 * message, id ≤ 256; lists: ≤ 10 rows, row title ≤ 24, row id ≤ 200, a button label ≤ 20; a body is required.
 * Titles are never shortened: a cut title can say something else ("Cancel my order" → "Cancel my"), and the
 * tapped title is what the agent reads back.
 */
import { META_LIMITS } from './meta-limits';
import type { MetaInteractiveButtons, MetaInteractiveList, MetaTextHeader } from './meta-message';

export interface Choice {
  title: string;
  /** Returned by Meta as the reply id when tapped; we use the Genesys payload so a reply maps back to it. */
  id: string;
}

export type ChoicesFit<T> = { ok: true; interactive: T } | { ok: false; why: string };

interface ChoiceLimits {
  count: number;
  title: number;
  id: number;
  /** Whether titles must differ (Meta requires it for buttons). */
  areTitlesUnique: boolean;
}

const whyBodyMisfits = (body: string | undefined): string | undefined => {
  if (body === undefined) return 'WhatsApp interactive messages need a body text and the message has none';
  if (body.length > META_LIMITS.interactiveBody) {
    return `the text (${body.length} characters) is longer than an interactive body (${META_LIMITS.interactiveBody})`;
  }
  return undefined;
};

const whyChoicesMisfit = (choices: readonly Choice[], limits: ChoiceLimits): string | undefined => {
  if (choices.length === 0) return 'there are no choices';
  if (choices.length > limits.count) return `${choices.length} choices exceed ${limits.count}`;
  const longTitle = choices.find((choice) => choice.title.length > limits.title);
  if (longTitle) return `"${longTitle.title}" is longer than ${limits.title} characters`;
  if (choices.some((choice) => choice.title.trim() === '')) return 'a choice has an empty title';
  const badId = choices.find(
    (choice) => choice.id === '' || choice.id.length > limits.id || choice.id.trim() !== choice.id,
  );
  if (badId) return `reply id "${badId.id}" is empty, longer than ${limits.id} or padded with spaces`;
  if (new Set(choices.map((choice) => choice.id)).size !== choices.length)
    return 'two choices share a reply id';
  if (limits.areTitlesUnique && new Set(choices.map((choice) => choice.title)).size !== choices.length) {
    return 'two choices share a title';
  }
  return undefined;
};

const headerOf = (header: string | undefined): { header?: MetaTextHeader } =>
  header === undefined ? {} : { header: { type: 'text', text: header } };

export const asReplyButtons = (
  body: string | undefined,
  choices: readonly Choice[],
  header?: string,
): ChoicesFit<MetaInteractiveButtons> => {
  const why =
    whyChoicesMisfit(choices, {
      count: META_LIMITS.replyButtons,
      title: META_LIMITS.replyButtonTitle,
      id: META_LIMITS.replyButtonId,
      areTitlesUnique: true,
    }) ?? whyBodyMisfits(body);
  if (why !== undefined || body === undefined) return { ok: false, why: why ?? 'no body' };
  return {
    ok: true,
    interactive: {
      type: 'button',
      ...headerOf(header),
      body: { text: body },
      action: { buttons: choices.map(({ id, title }) => ({ type: 'reply', reply: { id, title } })) },
    },
  };
};

export const asList = (
  body: string | undefined,
  choices: readonly Choice[],
  buttonLabel: string,
  header?: string,
): ChoicesFit<MetaInteractiveList> => {
  const labelWhy =
    buttonLabel.trim() === '' || buttonLabel.length > META_LIMITS.listButtonLabel
      ? `the list button label "${buttonLabel}" is empty or longer than ${META_LIMITS.listButtonLabel}`
      : undefined;
  const why =
    whyChoicesMisfit(choices, {
      count: META_LIMITS.listRows,
      title: META_LIMITS.listRowTitle,
      id: META_LIMITS.listRowId,
      areTitlesUnique: false,
    }) ??
    whyBodyMisfits(body) ??
    labelWhy;
  if (why !== undefined || body === undefined) return { ok: false, why: why ?? 'no body' };
  return {
    ok: true,
    interactive: {
      type: 'list',
      ...headerOf(header),
      body: { text: body },
      action: { button: buttonLabel, sections: [{ rows: choices.map(({ id, title }) => ({ id, title })) }] },
    },
  };
};
