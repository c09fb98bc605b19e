import { randomUUID } from 'node:crypto';
import type { BackoffPolicy } from '../../clients/meta';
import { CommandRejected } from '../../commands/command-rejected';
import type { OutboundMessageCommand } from '../../commands/outbound-message/commands';
import { handleOutboundMessageCommand } from '../../commands/outbound-message/handler';
import * as workflow from '../../commands/outbound-message/workflow';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import { ExpectedVersionConflict, type EventStore, type StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import { isTransientError, TransientError } from '../../projections/runtime/transient-errors';
import type { TenantDirectory } from '../../tenants/tenant-directory';
import type { OutboundContent } from '../../transform/outbound-content';
import type { MappingResolver } from '../../projections/mapping-resolver';
import type { MediaMover } from './media-mover';
import { DecodedStream } from './decoded-stream';
import { endAfterFailure } from './processing-failure';
import { mediaMoveAnswer } from './media-answer';
import { sendPart, type SendOutcomeObserver, type SendPartSettings } from './send-part';

export interface OutboundDriverSettings extends workflow.WorkflowSettings, SendPartSettings {
  backoffPolicy?: BackoffPolicy;
  /** The clock the workflow decides on (tests set it). */
  now?: () => Date;
}

/** Without a consumer (a direct call): the backoff of an outage retried in place. */
const outageDelay = (attempt: number) => Math.min(200 * 2 ** Math.min(attempt - 1, 6), 10_000);

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
  async drive(
    trigger: StoredEvent,
    wait: (ms: number) => Promise<void> = sleep,
    retryDelay: (attempt: number) => number = outageDelay,
  ): Promise<void> {
    if (trigger.type !== 'WebhookReceived') return;
    const ref = { tenantId: trigger.tenantId, genesysMessageId: String(trigger.data.genesysMessageId) };
    const metadata = {
      correlationId: trigger.correlationId ?? trigger.eventId,
      causationId: trigger.eventId,
    };
    const log = this.logger.child({ correlationId: metadata.correlationId, ...ref });
    const now = this.settings.now ?? (() => new Date());
    const streamId = outboundStreamId(ref.tenantId, ref.genesysMessageId);
    let run = workflow.startRun(randomUUID());
    let tenant: Awaited<ReturnType<typeof this.tenantOf>> | undefined;
    let history = new DecodedStream();
    let content: OutboundContent | undefined;
    let outageFailures = 0;
    const record = async (command: OutboundMessageCommand | readonly OutboundMessageCommand[]) => {
      const result = await handleOutboundMessageCommand(this.store, ref, command, {
        metadata,
        ...(history.stored ? { known: history.stored } : {}),
      });
      history = history.extendedTo(result.stream);
    };

    for (;;) {
      run = workflow.evolveRun(run, { type: 'PassStarted' });
      try {
        // Looked up once per run, not once per step: a message takes several steps.
        tenant ??= await this.tenantOf(ref.tenantId);
        if (!history.stored) history = history.extendedTo(await this.store.readStream(streamId));
        const state = history.state();
        // WebhookReceived never changes: its content is taken once per run, not once per step.
        content ??= state.view?.content;
        const input = { now: now(), run, tenant: tenant.send, content, settings: this.settings };
        const action = workflow.nextStep(state, input);
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
            history = history.extendedTo(undefined); // what others appended meanwhile is read again
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
            const notYet = workflow.mappingNotYet(recipient, action.receivedAt, now(), this.settings);
            if (notYet) {
              run = workflow.evolveRun(run, notYet);
              break;
            }
            if (!recipient)
              log.warn({ conversationId: action.conversationId }, 'no WhatsApp mapping: not sent');
            // The send request (or the window's verdict) goes in the mapping's append: one transaction, not two.
            const records = workflow.recordsAfterMappingLookup(state, input, recipient);
            if (records.notes?.length)
              log.info({ notes: records.notes }, 'sent with changes WhatsApp requires');
            await record(records.commands);
            break;
          }
          case 'MoveMedia': {
            const { record: tenantRecord, whatsapp } = tenant;
            const conversationId = state.view!.webhook.conversationId;
            const moved = await this.media.move(tenantRecord!, conversationId, action.attachment, whatsapp!);
            if (!moved.ok)
              log.warn({ reason: moved.reason, isRetryable: moved.isRetryable }, 'media transfer failed');
            const answer = mediaMoveAnswer(moved, run.mediaFailures, this.backoffOptions());
            run = await this.apply(workflow.afterMediaMove(answer, now()), run, record);
            break;
          }
          case 'SendPart': {
            const sendSettings = { ...this.settings, backoff: this.backoffOptions() };
            const answer = await sendPart(action, tenant.whatsapp!, sendSettings, this.observeSend, log);
            run = await this.apply(workflow.afterSend(action, answer, now()), run, record);
            break;
          }
        }
        outageFailures = 0;
      } catch (error) {
        history = history.extendedTo(undefined);
        if (error instanceof CommandRejected || error instanceof ExpectedVersionConflict) {
          // Another writer moved the stream and the rules refuse the stale step, or statuses kept landing faster
          // than the handler retried: nothing is lost (who may send is on the stream), read again and go on.
          log.info({ error: error.message }, 'step refused on a moved stream; reading the message again');
          continue;
        }
        if (!isTransientError(error) || error instanceof TransientError) throw error;
        // PostgreSQL, S3 or Redis failing for a while: retried here, not by the consumer, so this run keeps what
        // only it knows (a part Meta took but not yet recorded, a lost answer). The outage uses up no passes.
        run = workflow.evolveRun(run, { type: 'PassRetried' });
        outageFailures++;
        if (outageFailures === 1 || outageFailures % 10 === 0)
          log.warn(
            { err: (error as Error).message, failures: outageFailures },
            'dependency failing; retrying',
          );
        await wait(retryDelay(outageFailures));
      }
    }
  }

  /** The tenant as the workflow sees it (null: not configured), and the records the side effects need. */
  private async tenantOf(tenantId: string) {
    const record = await this.directory.tenant(tenantId);
    const whatsapp = await this.directory.whatsapp(tenantId);
    const templateDefaults = whatsapp?.templateDefaults
      ? { templateDefaults: whatsapp.templateDefaults }
      : {};
    const send = record && whatsapp ? { mediaMode: record.mediaMode, ...templateDefaults } : null;
    return { record, whatsapp, send };
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
