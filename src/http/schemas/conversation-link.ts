import { z } from 'zod';

/** Body of POST /admin/conversations: link a Genesys conversation to a customer's WhatsApp id. */
export const conversationLinkInput = z
  .object({
    tenantId: z.string().trim().min(1),
    conversationId: z.string().trim().min(1).max(512),
    waId: z
      .string()
      .trim()
      .regex(/^\+?[0-9]{5,20}$/, 'must be an international phone number, digits only (a leading + is allowed)'),
    contactName: z.string().trim().min(1).max(256).optional(),
    phoneNumberId: z.string().trim().regex(/^\d+$/).optional(),
    displayPhoneNumber: z.string().trim().min(1).optional(),
  })
  .strict();
