import { foldEvents } from '../commands/decider';
import { outboundMessageDecider } from '../commands/outbound-message/decider';
import type { OutboundState } from '../commands/outbound-message/state';
import { decodeEvent, type DecodedEvent } from '../events/decode';
import type { OutboundEvent } from '../events/schemas/outbound-events';
import { genesysMessageIdOfStream, isOutboundStreamId } from '../events/schemas/stream-ids';
import type { EventStore } from '../events/store/types';
// Audit re-verifies a stored webhook with the very check its route made: one owner for the signature rule.
// eslint-disable-next-line no-restricted-imports
import { isValidGenesysSignature } from '../http/signatures';
import { summarizeEvent } from './event-summary';

export type SignatureCheck = 'verified' | 'mismatch' | 'unverifiable';

export interface AuditEntry {
  recordedAt: string;
  occurredAt: string;
  type: string;
  version: number;
  streamId: string;
  genesysMessageId?: string;
  summary: Record<string, unknown>;
  /** WebhookReceived only: the stored raw body checked again against its stored signature. */
  signature?: SignatureCheck;
  /** Set when a caller outside the bridge reported the fact (the legacy State Manager API and its key). */
  recordedBy?: unknown;
}

export interface MessageAudit {
  genesysMessageId: string;
  status:
    | 'received'
    | 'not-sendable'
    | 'mapped'
    | 'sending'
    | 'accepted'
    | 'sent'
    | 'delivered'
    | 'read'
    | 'failed';
  failure?: { stage: string; reason: string };
  wamids: string[];
  timeline: { status: string; at: string }[];
}

export interface ConversationAudit {
  tenantId: string;
  conversationId: string;
  /** The moment the state is given for; absent = now. */
  at?: string;
  mapping: { waId?: string; userId?: string; contactName?: string; linkedAt: string } | null;
  messages: MessageAudit[];
  events: AuditEntry[];
}

/** The webhook secret of an integration as it is now; undefined when the integration is gone. */
export type SecretLookup = (integrationId: string) => Promise<string | undefined>;

/**
 * Everything the bridge knows about one conversation, in commit order, and the state it implies — as of now or as
 * of `at`. Each stored Genesys webhook is verified again with its integration's current secret: an altered body
 * shows as `mismatch` (a rotated secret shows the same way; the time of rotation tells the two apart).
 */
export const auditConversation = async (
  store: EventStore,
  webhookSecret: SecretLookup,
  tenantId: string,
  conversationId: string,
  at?: Date,
): Promise<ConversationAudit> => {
  const stored = await store.readConversation(tenantId, conversationId);
  const visible = at ? stored.filter((event) => Date.parse(event.recordedAt) <= at.getTime()) : stored;
  const decoded = visible.map(decodeEvent);

  const secrets = new Map<string, string | undefined>();
  const events: AuditEntry[] = [];
  for (const event of decoded) {
    const entry: AuditEntry = {
      recordedAt: event.envelope.recordedAt,
      occurredAt: event.envelope.occurredAt,
      type: event.type,
      version: event.version,
      streamId: event.envelope.streamId,
      summary: summarizeEvent(event),
      ...(event.envelope.metadata['recordedBy'] !== undefined
        ? { recordedBy: event.envelope.metadata['recordedBy'] }
        : {}),
    };
    if (isOutboundStreamId(event.envelope.streamId))
      entry.genesysMessageId = genesysMessageIdOfStream(event.envelope);
    if (event.type === 'WebhookReceived') {
      const integrationId = event.data.integrationId;
      if (!secrets.has(integrationId)) secrets.set(integrationId, await webhookSecret(integrationId));
      const secret = secrets.get(integrationId);
      entry.signature =
        secret === undefined
          ? 'unverifiable'
          : isValidGenesysSignature(secret, Buffer.from(event.data.rawBody, 'utf8'), event.data.signature)
            ? 'verified'
            : 'mismatch';
    }
    events.push(entry);
  }

  return {
    tenantId,
    conversationId,
    ...(at ? { at: at.toISOString() } : {}),
    mapping: mappingOf(decoded),
    messages: messagesOf(decoded),
    events,
  };
};

const mappingOf = (events: DecodedEvent[]): ConversationAudit['mapping'] => {
  let mapping: ConversationAudit['mapping'] = null;
  for (const event of events) {
    if (event.type !== 'ConversationLinked') continue;
    mapping = {
      ...(event.data.waId ? { waId: event.data.waId } : {}),
      ...(event.data.userId ? { userId: event.data.userId } : {}),
      ...(event.data.contactName ? { contactName: event.data.contactName } : {}),
      linkedAt: event.envelope.occurredAt,
    };
  }
  return mapping;
};

const TIMELINE: Partial<
  Record<OutboundEvent['type'], (event: DecodedEvent<OutboundEvent>) => [string, string]>
> = {
  WebhookReceived: (event) => ['received', event.envelope.recordedAt],
  MappingResolved: (event) => ['mapped', event.envelope.recordedAt],
  MappingMissing: (event) => ['mapping-missing', event.envelope.recordedAt],
  MediaStored: (event) => ['media-stored', event.envelope.recordedAt],
  SendRequested: (event) => ['send-requested', event.envelope.recordedAt],
  SendRefused: (event) => ['send-refused', event.envelope.recordedAt],
  MessageSent: (event) => ['accepted', event.envelope.recordedAt],
  StatusSent: (event) => ['sent', event.type === 'StatusSent' ? event.data.sentAt : ''],
  Delivered: (event) => ['delivered', event.type === 'Delivered' ? event.data.deliveredAt : ''],
  Read: (event) => ['read', event.type === 'Read' ? event.data.readAt : ''],
  MessageFailed: (event) => ['failed', event.envelope.recordedAt],
};

const messagesOf = (events: DecodedEvent[]): MessageAudit[] => {
  const byStream = new Map<string, DecodedEvent<OutboundEvent>[]>();
  for (const event of events) {
    if (!isOutboundStreamId(event.envelope.streamId)) continue;
    const list = byStream.get(event.envelope.streamId) ?? [];
    list.push(event as DecodedEvent<OutboundEvent>);
    byStream.set(event.envelope.streamId, list);
  }
  return [...byStream.values()].map((stream) => {
    const state = foldEvents(outboundMessageDecider, stream);
    return {
      genesysMessageId: genesysMessageIdOfStream(stream[0]!.envelope),
      status: statusOf(state),
      ...(state.failure ? { failure: state.failure } : {}),
      wamids: state.parts.map((part) => part.wamid),
      timeline: stream.flatMap((event) => {
        const entry = TIMELINE[event.type]?.(event);
        return entry ? [{ status: entry[0], at: entry[1] }] : [];
      }),
    };
  });
};

const RANK = { accepted: 0, sent: 1, delivered: 2, read: 3 } as const;

const statusOf = (state: OutboundState): MessageAudit['status'] => {
  if (state.failure || state.mapping?.kind === 'missing') return 'failed';
  if (state.message && !state.message.isSendable) return 'not-sendable';
  if (state.parts.length > 0) {
    // A message is as far along as its least advanced part (a split text is read once every part is).
    const live = state.parts.filter((part) => part.status !== 'failed');
    if (live.length === 0) return 'failed';
    return live.reduce((least, part) =>
      RANK[part.status as keyof typeof RANK] < RANK[least.status as keyof typeof RANK] ? part : least,
    ).status as MessageAudit['status'];
  }
  if (state.attempt > 0) return 'sending';
  if (state.mapping) return 'mapped';
  return 'received';
};
