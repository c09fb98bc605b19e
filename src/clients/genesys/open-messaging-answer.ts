import { z } from 'zod';
import { readTextCapped } from '../http/read-capped';
import type { GenesysError } from './genesys-error';

/** What the bridge keeps of Genesys' 202 to an inbound message or structured response. */
export type OpenMessagingAnswer =
  { ok: true; id: string; conversationId?: string } | { ok: false; error: GenesysError };

const answerSchema = z.looseObject({ id: z.string().min(1), conversationId: z.string().min(1).optional() });

/**
 * Reads the message id (and, when Genesys sends it, the conversation id) from an accepted Open Messaging answer.
 * An answer without an id is a permanent failure: the message is at Genesys, and posting it again would show it
 * twice.
 */
export const readOpenMessagingAnswer = async (
  what: string,
  response: Response,
): Promise<OpenMessagingAnswer> => {
  const text = await readTextCapped(response).catch(() => '');
  let parsed: z.ZodSafeParseResult<z.output<typeof answerSchema>>;
  try {
    parsed = answerSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = answerSchema.safeParse(undefined);
  }
  if (!parsed.success)
    return {
      ok: false,
      error: {
        kind: 'permanent',
        httpStatus: response.status,
        title: `${what}: answer without a message id`,
      },
    };
  return {
    ok: true,
    id: parsed.data.id,
    ...(parsed.data.conversationId !== undefined ? { conversationId: parsed.data.conversationId } : {}),
  };
};
