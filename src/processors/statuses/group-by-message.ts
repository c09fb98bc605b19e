import type { OutboundMessageRef } from '../../commands/outbound-message/handler';

export interface MessageStatuses<S> {
  message: OutboundMessageRef;
  statuses: S[];
}

/**
 * Statuses grouped by the outbound message their wamid belongs to (several wamids can be parts of one message),
 * keeping their order within each group. Items whose wamid has no message are left out.
 */
export const groupByMessage = <S>(
  items: readonly S[],
  wamidOf: (item: S) => string,
  messageOf: (wamid: string) => OutboundMessageRef | undefined,
): MessageStatuses<S>[] => {
  const groups = new Map<string, MessageStatuses<S>>();
  for (const item of items) {
    const message = messageOf(wamidOf(item));
    if (!message) continue;
    const key = JSON.stringify([message.tenantId, message.genesysMessageId]);
    const group = groups.get(key) ?? { message, statuses: [] };
    group.statuses.push(item);
    groups.set(key, group);
  }
  return [...groups.values()];
};
