import { z } from 'zod';

/**
 * The Graph API error body (fixtures/meta/error-130429.json). Only `error.message` and `error.code` are reliably
 * present; `error_subcode` is no longer sent from v16.0 on, `error_data` only for WhatsApp errors.
 */
export const graphErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_data: z
      .object({
        messaging_product: z.string().optional(),
        details: z.string().optional(),
      })
      .optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export type GraphErrorBody = z.infer<typeof graphErrorBodySchema>;

export const parseGraphErrorBody = (text: string): GraphErrorBody | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = graphErrorBodySchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
};
