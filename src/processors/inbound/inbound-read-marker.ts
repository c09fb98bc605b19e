import { markMessageRead, type MetaError } from '../../clients/meta';
import { handleCustomerCommand } from '../../commands/customer/handler';
import type { EventStore, StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import type { TenantDirectory } from '../../tenants/tenant-directory';
import type { HandlerRuntime } from '../runtime/keyed-consumer';
import { defaultReadMarkRetryPolicy, nextReadMarkStep, type ReadMarkRetryPolicy } from './read-mark-plan';

export interface InboundReadMarkerSettings {
  graphUrl: string;
  graphVersion: string;
  timeoutMs: number;
  retry?: ReadMarkRetryPolicy;
}

export type ReadMarkOutcome = 'marked' | 'disabled' | 'failed';

export interface ReadMarkTarget {
  tenantId: string;
  streamId: string;
  wamid: string;
  /** The business number the customer wrote to: the read mark goes through it. */
  phoneNumberId: string;
  metadata: { correlationId: string; causationId: string };
  /** The customer stream as the caller last saw it (saves a read). */
  known?: StoredEvent[];
}

/**
 * Marks a customer's message read at Meta once Genesys has it (the customer sees blue ticks), unless the tenant
 * turned `markInboundRead` off. The outcome is recorded on the customer stream, once: InboundMarkedRead, or
 * InboundMarkReadFailed when Meta refuses or stays unavailable through a few tries (read-mark-plan.ts). It runs in
 * the customer's lane, between one message and the next, and never throws for Meta's sake: the next message goes on.
 */
export class InboundReadMarker {
  constructor(
    private readonly store: EventStore,
    private readonly directory: Pick<TenantDirectory, 'whatsapp'>,
    private readonly settings: InboundReadMarkerSettings,
    private readonly logger: Logger,
    private readonly observe: (outcome: ReadMarkOutcome) => void = () => undefined,
  ) {}

  async mark(target: ReadMarkTarget, runtime: Pick<HandlerRuntime, 'wait'>): Promise<ReadMarkOutcome> {
    const log = this.logger.child({ tenantId: target.tenantId, wamid: target.wamid });
    const whatsapp = await this.directory.whatsapp(target.tenantId);
    if (whatsapp && !whatsapp.markInboundRead) {
      this.observe('disabled');
      return 'disabled';
    }
    if (!whatsapp)
      return this.failed(target, log, {
        reason: 'NoWhatsappCredentials',
        message: 'the tenant has no WhatsApp credentials',
      });

    for (let attempt = 1; ; attempt++) {
      const answer = await markMessageRead({
        graphUrl: this.settings.graphUrl,
        version: this.settings.graphVersion,
        phoneNumberId: target.phoneNumberId,
        accessToken: whatsapp.accessToken,
        wamid: target.wamid,
        timeoutMs: this.settings.timeoutMs,
      });
      if (answer.ok) {
        await handleCustomerCommand(
          this.store,
          target.tenantId,
          target.streamId,
          { type: 'RecordInboundMarkedRead', wamid: target.wamid },
          { metadata: target.metadata, ...(target.known ? { known: target.known } : {}) },
        );
        this.observe('marked');
        return 'marked';
      }
      const step = nextReadMarkStep(answer.error, attempt, this.settings.retry ?? defaultReadMarkRetryPolicy);
      if (!step.retry) return this.failed(target, log, { reason: step.reason, ...describe(answer.error) });
      log.warn({ title: answer.error.title, attempt }, 'inbound message not marked read yet; retrying');
      await runtime.wait(step.delayMs);
    }
  }

  private async failed(
    target: ReadMarkTarget,
    log: Logger,
    outcome: { reason: string; message: string; httpStatus?: number; metaCode?: number },
  ): Promise<'failed'> {
    log.error(outcome, 'inbound message not marked read at Meta');
    await handleCustomerCommand(
      this.store,
      target.tenantId,
      target.streamId,
      { type: 'RecordInboundMarkReadFailed', wamid: target.wamid, ...outcome },
      { metadata: target.metadata, ...(target.known ? { known: target.known } : {}) },
    );
    this.observe('failed');
    return 'failed';
  }
}

const describe = (error: MetaError) => ({
  message: error.title.slice(0, 2000),
  ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
  ...(error.code !== undefined ? { metaCode: error.code } : {}),
});
