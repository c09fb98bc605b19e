import { randomUUID } from 'node:crypto';
import type { BackoffPolicy } from '../../clients/meta';
import { CommandRejected } from '../../commands/command-rejected';
import type { OutboundMessageCommand } from '../../commands/outbound-message/commands';
import { handleOutboundMessageCommand } from '../../commands/outbound-message/handler';
import * as workflow from '../../commands/outbound-message/workflow';
import { decodeOutboundEvent } from '../../events/decode';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import { ExpectedVersionConflict, type EventStore, type StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import { TransientError } from '../../projections/runtime/transient-errors';
import type { TenantDirectory } from '../../tenants/tenant-directory';
import type { OutboundContent } from '../../transform/outbound-content';
import { webhookContent } from './webhook-content';
import type { MappingResolver } from './mapping-resolver';
import type { MediaMover } from './media-mover';
import { endAfterFailure } from './processing-failure';
import { mediaMoveAnswer } from './media-answer';
import { sendPart, type SendOutcomeObserver, type SendPartSettings } from './send-part';

export interface OutboundDriverSettings extends workflow.WorkflowSettings, SendPartSettings {
  backoffPolicy?: BackoffPolicy;
  /** The clock the workflow decides on (tests set it). */
  now?: () => Date;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Drives one outbound message from WebhookReceived to MessageSent or MessageFailed: reads the stream, asks the
 * workflow (src/commands/outbound-message/workflow.ts) for the next action, performs it, records its outcome as a
 * command on the stream. Every rule is the workflow's; this only does the I/O.
 */
export class OutboundDriver {
  constructor(
    private readonly store: EventStore,
    private readonly directory: TenantDirectory,
    private readonly mappings: MappingResolver,
    private readonly media: MediaMover,
    private readonly settings: OutboundDriverSettings,
    private readonly logger: Logger,
    private readonly observeSend: SendOutcomeObserver = () => undefined,
  ) {}

  /** `wait` is the consumer's: it frees the processing slot during backoffs and reconciliation waits. */
  async drive(trigger: StoredEvent, wait: (ms: number) => Promise<void> = sleep): Promise<void> {
    if (trigger.type !== 'WebhookReceived') return;
    const ref = { tenantId: trigger.tenantId, genesysMessageId: String(trigger.data.genesysMessageId) };
    const metadata = {
      correlationId: trigger.correlationId ?? trigger.eventId,
      causationId: trigger.eventId,
    };
    const log = this.logger.child({ correlationId: metadata.correlationId, ...ref });
    const now = this.settings.now ?? (() => new Date());
    const tenant = await this.directory.tenant(ref.tenantId);
    const whatsapp = await this.directory.whatsapp(ref.tenantId);
    const sendTenant =
      tenant && whatsapp
        ? {
            mediaMode: tenant.mediaMode,
            ...(whatsapp.templateDefaults ? { templateDefaults: whatsapp.templateDefaults } : {}),
          }
        : null;
    let run = workflow.startRun(randomUUID());
    // The stream as this run last saw it: its own appends extend it; a pause or a refusal drops it.
    let known: StoredEvent[] | undefined;
    let content: OutboundContent | undefined;
    const record = async (command: OutboundMessageCommand) => {
      const result = await handleOutboundMessageCommand(this.store, ref, command, {
        metadata,
        ...(known ? { known } : {}),
      });
      known = result.stream;
    };

    for (;;) {
      known ??= await this.store.readStream(outboundStreamId(ref.tenantId, ref.genesysMessageId));
      const state = workflow.workflowState(known.map(decodeOutboundEvent));
      const view = state.view;
      // WebhookReceived never changes: its content is read once per run, not once per step.
      content ??= view && webhookContent(view.webhook);
      const action = workflow.nextStep(state, {
        now: now(),
        run,
        tenant: sendTenant,
        content,
        settings: this.settings,
      });
      run = workflow.evolveRun(run, { type: 'PassStarted' });
      try {
        switch (action.type) {
          case 'Done':
            if (action.reason === 'PassLimit')
              log.error('outbound message did not settle within its pass limit');
            return;
          case 'GiveUp':
            throw new TransientError(action.message);
          case 'Wait':
            log.info({ ms: action.ms, reason: action.reason }, 'waiting before the next step');
            await wait(action.ms);
            known = undefined; // what others appended meanwhile (a status, a reconciled send) is read again
            break;
          case 'Record':
            if (action.notes?.length)
              log.info({ notes: action.notes }, 'sent with changes WhatsApp requires');
            await record(action.command);
            break;
          case 'ResolveMapping': {
            const recipient = await this.mappings.resolve(
              ref.tenantId,
              action.conversationId,
              action.customerId,
            );
            if (!recipient)
              log.warn({ conversationId: action.conversationId }, 'no WhatsApp mapping: not sent');
            await record(workflow.afterMappingLookup(recipient));
            break;
          }
          case 'MoveMedia': {
            const moved = await this.media.move(
              tenant!,
              view!.webhook.conversationId,
              action.attachment,
              whatsapp!,
            );
            if (!moved.ok)
              log.warn({ reason: moved.reason, isRetryable: moved.isRetryable }, 'media transfer failed');
            const answer = mediaMoveAnswer(moved, run.mediaFailures, this.backoffOptions());
            run = await this.apply(workflow.afterMediaMove(answer, now()), run, record);
            break;
          }
          case 'SendPart': {
            const sendSettings = { ...this.settings, backoff: this.backoffOptions() };
            const answer = await sendPart(action, whatsapp!, sendSettings, this.observeSend, log);
            run = await this.apply(workflow.afterSend(action, answer, now()), run, record);
            break;
          }
        }
      } catch (error) {
        // Another writer moved the stream and the rules refuse the stale step: read again and ask again.
        if (!(error instanceof CommandRejected) && !(error instanceof ExpectedVersionConflict)) throw error;
        log.info({ error: error.message }, 'step refused on a moved stream; reading the message again');
        known = undefined;
      }
    }
  }

  private async apply(
    outcome: workflow.SendOutcome,
    run: workflow.RunFacts,
    record: (command: OutboundMessageCommand) => Promise<void>,
  ): Promise<workflow.RunFacts> {
    if (outcome.type !== 'Record') return workflow.evolveRun(run, outcome);
    await record(outcome.command);
    return run;
  }

  /** See endAfterFailure: the consumer's answer to a permanent failure of drive. */
  endAfterFailure(trigger: StoredEvent, error: unknown): Promise<void> {
    return endAfterFailure(this.store, this.logger, trigger, error);
  }

  private backoffOptions() {
    return this.settings.backoffPolicy ? { policy: this.settings.backoffPolicy } : {};
  }
}
