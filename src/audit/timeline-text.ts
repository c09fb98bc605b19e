import type { ConversationAudit } from './conversation-audit';

const describeSummary = (summary: Record<string, unknown>): string =>
  Object.entries(summary)
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) => `${key}=${typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value)}`,
    )
    .join(' ');

/** The customer of a link: the wa_id, or the business-scoped user id of a customer without one. */
const customerOf = ({ waId, userId }: { waId?: string; userId?: string }): string =>
  waId ?? `user ${userId ?? '?'}`;

/** The audit as a person reads it: the mapping, one line per message state, then the events in commit order. */
export const formatTimeline = (audit: ConversationAudit): string => {
  const lines = [
    `conversation ${audit.conversationId} (tenant ${audit.tenantId})${audit.at ? ` as of ${audit.at}` : ''}`,
    audit.mapping
      ? `  mapped to WhatsApp ${customerOf(audit.mapping)}${audit.mapping.contactName ? ` (${audit.mapping.contactName})` : ''} since ${audit.mapping.linkedAt}`
      : '  no WhatsApp mapping',
    '',
    'messages:',
    ...audit.messages.map(
      (message) =>
        `  ${message.genesysMessageId}  ${message.status.toUpperCase()}${
          message.failure ? ` (${message.failure.stage}: ${message.failure.reason})` : ''
        }  ${message.timeline.map((step) => `${step.status}@${step.at}`).join(' → ')}`,
    ),
    '',
    'events:',
    ...audit.events.map(
      (event) =>
        `  ${event.recordedAt}  ${event.type.padEnd(16)} ${event.genesysMessageId ?? ''}  ${describeSummary(event.summary)}${
          event.signature ? `  signature ${event.signature.toUpperCase()}` : ''
        }`,
    ),
  ];
  return `${lines.join('\n')}\n`;
};
