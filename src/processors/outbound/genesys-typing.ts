import { z } from 'zod';

/** The part of a Genesys Event message that says an agent is typing (fixtures/genesys/outbound-event-typing.json). */
const eventMessageSchema = z.looseObject({
  events: z
    .array(
      z.looseObject({
        eventType: z.string(),
        typing: z.looseObject({ type: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

/**
 * Whether a Genesys Event webhook (its raw body, as recorded in WebhookReceived) says the agent started typing.
 * Typing `Off` and other events (Presence, …) say nothing to pass on: Meta has no "stopped typing" call.
 */
export const isTypingOn = (rawBody: string): boolean => {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return false;
  }
  const parsed = eventMessageSchema.safeParse(json);
  return (
    parsed.success &&
    (parsed.data.events ?? []).some((event) => event.eventType === 'Typing' && event.typing?.type !== 'Off')
  );
};
