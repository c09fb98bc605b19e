/**
 * Genesys QuickReply contents → reply buttons (≤ 3), else a list (≤ 10), else a text listing the options.
 */
import { asList, asReplyButtons, type Choice } from './interactive-choices';
import type { OutboundQuickReply } from './outbound-content';
import { textContents } from './text-message';
import type { PlannedContents } from './transform-result';

/** The text a customer sees when the options cannot be buttons: the message, then one option per line. */
export const optionsAsText = (body: string | undefined, options: readonly string[]): string => {
  const listing = options.map((option) => `- ${option}`).join('\n');
  return body === undefined ? listing : `${body}\n\n${listing}`;
};

export const quickReplyContents = (
  body: string | undefined,
  quickReplies: readonly OutboundQuickReply[],
  listButtonLabel: string,
): PlannedContents => {
  const notes = quickReplies
    .filter((reply) => reply.image !== undefined)
    .map((reply) => `quick reply "${reply.text}" has an image; WhatsApp buttons cannot show one`);
  // Genesys: the payload identifies the reply; without one, the text is "also used as the response text".
  const choices: Choice[] = quickReplies.map((reply) => ({
    title: reply.text,
    id: reply.payload ?? reply.text,
  }));

  const buttons = asReplyButtons(body, choices);
  if (buttons.ok) return { contents: [{ type: 'interactive', interactive: buttons.interactive }], notes };

  const list = asList(body, choices, listButtonLabel);
  if (list.ok) {
    notes.push(`${choices.length} quick replies sent as a list, not buttons: ${buttons.why}`);
    return { contents: [{ type: 'interactive', interactive: list.interactive }], notes };
  }

  notes.push(
    `${choices.length} quick replies sent as text, not buttons (${buttons.why}) nor a list (${list.why}); ` +
      'the customer answers in free text, so their payloads are not returned: ' +
      choices.map((choice) => JSON.stringify(choice.id)).join(', '),
  );
  return {
    contents: textContents(
      optionsAsText(
        body,
        quickReplies.map((reply) => reply.text),
      ),
    ),
    notes,
  };
};
