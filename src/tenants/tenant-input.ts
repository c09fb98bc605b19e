import { z } from 'zod';
import { GENESYS_CLOUD_REGIONS, isKnownGenesysRegion } from '../clients/genesys/regions';

/** Genesys Cloud environment domains look like `mypurecloud.com`, `mypurecloud.ie`, `usw2.pure.cloud`. */
const genesysRegion = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a Genesys Cloud domain such as mypurecloud.com');

const IDENTIFIER = /^[A-Za-z0-9._:@-]{1,200}$/;
/**
 * A new tenant's id: it becomes part of stream ids, Redis keys (`:` separated), S3 object keys (`/` separated) and
 * Kafka keys, so it takes only characters none of them uses as a separator, starts with a letter or digit (no
 * `.`/`..` path segment, no leading `-`) and is short. Only new tenants are held to it: tenants created under the
 * older, wider rule keep working, since every key escapes or ends with the parts that come from outside.
 */
export const newTenantId = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be 1 to 64 letters, digits, . _ or -, starting with a letter or digit',
  );

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
  /**
   * Whether a customer's message is marked read at Meta (blue ticks) once it reached Genesys. On by default: the
   * customer learns the message arrived; a tenant whose agents answer late may prefer the customer not to see it.
   * Absent means true (tenant-directory.ts applies the default when reading, so older tenants get it too).
   */
  markInboundRead: z.boolean().optional(),
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

/** Body of POST /admin/tenants (CONTRACT.md), any region-shaped domain; see tenantCreationInput. */
export const tenantInput = z
  .object({
    tenantId: newTenantId,
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

/**
 * What tenant creation accepts (POST /admin/tenants, `bridge tenants add`): tenantInput, and a genesysRegion among
 * the Genesys Cloud regions unless `anyRegion` (Genesys reached through overridden URL templates, i.e. a
 * simulator; see anyGenesysRegionAllowed).
 */
export const tenantCreationInput = ({ anyRegion }: { anyRegion: boolean }) =>
  anyRegion
    ? tenantInput
    : tenantInput.refine((value) => isKnownGenesysRegion(value.genesysRegion), {
        message: `must be a Genesys Cloud region: ${GENESYS_CLOUD_REGIONS.join(', ')}`,
        path: ['genesysRegion'],
      });

export type TenantInput = z.output<typeof tenantInput>;
export type CredentialsInput = z.output<typeof credentialsInput>;
export type WhatsappCredentialsInput = z.output<typeof whatsappCredentialsInput>;
