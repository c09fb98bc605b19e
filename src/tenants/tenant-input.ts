import { z } from 'zod';

/** Genesys Cloud environment domains look like `mypurecloud.com`, `mypurecloud.ie`, `usw2.pure.cloud`. */
const genesysRegion = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a Genesys Cloud domain such as mypurecloud.com');

const IDENTIFIER = /^[A-Za-z0-9._:@-]{1,200}$/;

const identifier = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(IDENTIFIER, 'may contain letters, digits and . _ : @ - only');

/** Whether a value could be a tenant or integration id at all (lookups skip anything else). */
export const isIdentifier = (value: string): boolean => IDENTIFIER.test(value);

export const whatsappCredentialsInput = z.object({
  phoneNumberId: z.string().trim().regex(/^\d+$/, 'must be the numeric phone number id'),
  accessToken: z.string().min(1),
  businessAccountId: z.string().trim().min(1).optional(),
  wabaId: z.string().trim().min(1).optional(),
  displayPhoneNumber: z.string().trim().min(1).optional(),
  /**
   * The approved template to send when a Genesys notification names none (some payloads carry neither a template
   * name nor a language): without them such a message fails with TemplateNameMissing / TemplateLanguageMissing.
   */
  defaultTemplateName: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{1,512}$/, 'must be a WhatsApp template name (lowercase letters, digits, underscores)')
    .optional(),
  defaultTemplateLanguage: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, 'must be a WhatsApp language code such as en_US')
    .optional(),
});

/** Body of PUT /admin/tenants/:id/credentials: any subset of the secret-bearing fields. */
export const credentialsInput = z
  .object({
    genesysWebhookSecret: z.string().min(16, 'must be at least 16 characters').optional(),
    genesysClientId: z.string().trim().min(1).optional(),
    genesysClientSecret: z.string().min(1).optional(),
    whatsapp: whatsappCredentialsInput.optional(),
  })
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'names no credential to change');

/** Body of POST /admin/tenants (CONTRACT.md). */
export const tenantInput = z
  .object({
    tenantId: identifier,
    genesysIntegrationId: identifier,
    genesysWebhookSecret: z.string().min(16, 'must be at least 16 characters'),
    genesysRegion: genesysRegion.default('mypurecloud.com'),
    genesysClientId: z.string().trim().min(1).optional(),
    genesysClientSecret: z.string().min(1).optional(),
    whatsapp: whatsappCredentialsInput,
    mediaMode: z.enum(['link', 'upload']).default('link'),
  })
  .strict()
  .refine((value) => (value.genesysClientId === undefined) === (value.genesysClientSecret === undefined), {
    message: 'genesysClientId and genesysClientSecret go together',
    path: ['genesysClientSecret'],
  });

export type TenantInput = z.output<typeof tenantInput>;
export type CredentialsInput = z.output<typeof credentialsInput>;
export type WhatsappCredentialsInput = z.output<typeof whatsappCredentialsInput>;
