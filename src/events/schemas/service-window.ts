/**
 * The 24-hour customer service window as the bridge saw it when it decided: recorded on the event that carries the
 * decision (SendRequested, or MessageFailed with `MessageExpired`), so that an audit replay shows why a message was
 * sent, replaced by the tenant's default template, or refused without reaching Meta.
 */
import { z } from 'zod';
import { isoInstant } from './common';

/** WhatsApp's customer service window: free-form messages only within 24 hours of the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export const SERVICE_WINDOW_OUTCOMES = ['open', 'unknown', 'template', 'defaultTemplate', 'expired'] as const;
export type ServiceWindowOutcome = (typeof SERVICE_WINDOW_OUTCOMES)[number];

export const serviceWindowSchema = z.object({
  lastInboundAt: isoInstant()
    .nullable()
    .describe('When the customer last wrote, as the bridge knew it; null when it knew of no inbound message.'),
  checkedAt: isoInstant().describe('The bridge clock when the window was checked.'),
  outcome: z
    .enum(SERVICE_WINDOW_OUTCOMES)
    .describe(
      '`open`: inside 24 h; `unknown`: no inbound known, sent as is; `template`: templates are always allowed; ' +
        "`defaultTemplate`: outside 24 h, the tenant's default template was sent instead; `expired`: outside " +
        '24 h, not sent.',
    ),
});

export type ServiceWindow = z.output<typeof serviceWindowSchema>;
