/**
 * WhatsApp's customer service window: a business may send free-form messages (text, media, interactive) only
 * within 24 hours of the customer's last message; outside it only an approved template reaches the customer. Meta
 * enforces it after the fact (error 131047); deciding it here, before the send, answers the agent at once and
 * keeps a message Meta would refuse from being sent at all. Pure: the clock is an input.
 */
import {
  SERVICE_WINDOW_MS,
  type ServiceWindow,
  type ServiceWindowOutcome,
} from '../../events/schemas/service-window';

export interface ServiceWindowFacts {
  /** When the customer last wrote, as the read model knows it; undefined when it knows of no inbound message. */
  lastInboundAt: string | undefined;
  now: Date;
  /** The agent's message is itself a template: always allowed. */
  isTemplate: boolean;
  /** The tenant named a default template with both a name and a language. */
  hasDefaultTemplate: boolean;
}

const outcomeOf = (facts: ServiceWindowFacts): ServiceWindowOutcome => {
  if (facts.isTemplate) return 'template';
  // A conversation linked by an admin, with no inbound recorded: the bridge cannot know, so it sends as before and
  // leaves Meta's 131047 to say so if the window is closed.
  if (facts.lastInboundAt === undefined) return 'unknown';
  const elapsed = facts.now.getTime() - Date.parse(facts.lastInboundAt);
  if (elapsed < SERVICE_WINDOW_MS) return 'open';
  return facts.hasDefaultTemplate ? 'defaultTemplate' : 'expired';
};

export const checkServiceWindow = (facts: ServiceWindowFacts): ServiceWindow => ({
  lastInboundAt: facts.lastInboundAt ?? null,
  checkedAt: facts.now.toISOString(),
  outcome: outcomeOf(facts),
});

/** Outcomes under which only a template may be sent. */
export const requiresTemplate = (outcome: ServiceWindowOutcome): boolean =>
  outcome === 'template' || outcome === 'defaultTemplate';

export const EXPIRED_MESSAGE =
  'The customer last wrote more than 24 hours ago: WhatsApp accepts only a template message now, and the tenant ' +
  'has no default template';
