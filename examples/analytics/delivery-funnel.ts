/**
 * The delivery funnel of outbound messages per tenant: how many messages were sent, delivered, read, failed.
 *
 * Counted per message (an outbound stream, `outbound-{tenant}-{genesysMessageId}`), not per event: Kafka
 * delivers at least once, a long text is split into parts that each get their own Meta statuses, and Meta repeats
 * statuses. So each stage holds a set of message streams and a message counts once per stage, however many events
 * say so. A later stage implies the earlier ones (a read message was delivered and sent, even if that status was
 * lost); a failure is counted beside them, since a message can fail after it was sent.
 */

export const FUNNEL_STAGES = ['sent', 'delivered', 'read', 'failed'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** What the funnel needs from an event envelope. */
export interface FunnelEvent {
  type: string;
  tenantId: string;
  streamId: string;
}

export type FunnelCounts = Record<FunnelStage, number>;

export interface FunnelRow extends FunnelCounts {
  tenantId: string;
}

/** Stages each event type proves, the implied earlier ones included. */
const STAGES_BY_EVENT_TYPE: Readonly<Record<string, readonly FunnelStage[]>> = {
  MessageSent: ['sent'], // Meta accepted a part
  StatusSent: ['sent'], // Meta's own `sent` status
  Delivered: ['sent', 'delivered'],
  Read: ['sent', 'delivered', 'read'],
  MessageFailed: ['failed'],
};

type TenantStages = Record<FunnelStage, Set<string>>;

const emptyStages = (): TenantStages => ({
  sent: new Set(),
  delivered: new Set(),
  read: new Set(),
  failed: new Set(),
});

export class DeliveryFunnel {
  private readonly tenants = new Map<string, TenantStages>();

  /** Counts one event; true when a count changed (a repeat or an unrelated event changes nothing). */
  record(event: FunnelEvent): boolean {
    const stages = STAGES_BY_EVENT_TYPE[event.type];
    if (!stages) return false;
    const tenant = this.tenants.get(event.tenantId) ?? emptyStages();
    this.tenants.set(event.tenantId, tenant);
    let isChanged = false;
    for (const stage of stages) {
      if (tenant[stage].has(event.streamId)) continue;
      tenant[stage].add(event.streamId);
      isChanged = true;
    }
    return isChanged;
  }

  /** One row per tenant, by tenant id. */
  rows(): FunnelRow[] {
    return [...this.tenants]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tenantId, stages]) => ({
        tenantId,
        sent: stages.sent.size,
        delivered: stages.delivered.size,
        read: stages.read.size,
        failed: stages.failed.size,
      }));
  }
}
