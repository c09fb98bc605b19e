import { foldEvents } from '../../commands/decider';
import type { RecordSendFailed } from '../../commands/outbound-message/commands';
import { outboundMessageDecider } from '../../commands/outbound-message/decider';
import { handleOutboundMessageCommand } from '../../commands/outbound-message/handler';
import { isEnded, isFullySent, type OutboundState } from '../../commands/outbound-message/state';
import { decodeOutboundEvent } from '../../events/decode';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import type { EventStore, StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';

/** MessageFailed.reason when the bridge itself could not process the message (not Meta, not the content). */
export const PROCESSING_FAILED = 'ProcessingFailed';

/**
 * How a message ends after a permanent processing failure (an error that will not go away by retrying: a secret
 * that cannot be opened, a bug): MessageFailed at the stage it had reached, so that Genesys gets a Failed receipt
 * instead of silence. Nothing when the message has ended or been sent already, or was never sendable.
 *
 * The error's own text stays in the log (by correlation id): it may name internals, and the event travels to
 * Genesys, Kafka and the legacy queue.
 */
export const processingFailure = (state: OutboundState, error: unknown): RecordSendFailed | undefined => {
  if (!state.message?.isSendable || isEnded(state) || isFullySent(state)) return undefined;
  const stage: RecordSendFailed['stage'] =
    state.mapping === null
      ? 'mapping'
      : state.isAwaitingSendOutcome
        ? 'send'
        : state.message.hasAttachment && !state.isMediaStored
          ? 'media'
          : 'transform';
  const name = (error as { name?: unknown } | null)?.name;
  const kind = typeof name === 'string' && /^[A-Za-z][A-Za-z0-9]{0,60}$/.test(name) ? name : 'Error';
  return {
    type: 'RecordSendFailed',
    stage,
    reason: PROCESSING_FAILED,
    message: `The bridge could not process the message (${kind} at the ${stage} stage); retrying would fail the same way`,
  };
};

/**
 * Ends the message visibly after a permanent processing failure: MessageFailed, so that Genesys gets a Failed
 * receipt. Nothing to do when the message is final already.
 */
export const endAfterFailure = async (
  store: EventStore,
  logger: Logger,
  trigger: StoredEvent,
  error: unknown,
): Promise<void> => {
  if (trigger.type !== 'WebhookReceived') return;
  const ref = { tenantId: trigger.tenantId, genesysMessageId: String(trigger.data.genesysMessageId) };
  const stored = await store.readStream(outboundStreamId(ref.tenantId, ref.genesysMessageId));
  const command = stored.length
    ? processingFailure(foldEvents(outboundMessageDecider, stored.map(decodeOutboundEvent)), error)
    : undefined;
  if (!command) return;
  const correlationId = trigger.correlationId ?? trigger.eventId;
  logger.error(
    { correlationId, ...ref, stage: command.stage },
    'message failed: the bridge could not process it',
  );
  await handleOutboundMessageCommand(store, ref, command, {
    metadata: { correlationId, causationId: trigger.eventId },
  });
};
