/**
 * The shared Genesys fixtures, read at test time exactly as they are on disk (shared/ sits beside the
 * repository, in a developer's tree and in CI alike) and taken through the real schema and summary.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  genesysWebhookSchema,
  summarizeWebhook,
  type WebhookSummary,
} from '../../http/schemas/genesys-webhook';

export const GENESYS_FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures/genesys');

export const genesysFixtureSummary = (name: string): WebhookSummary =>
  summarizeWebhook(
    genesysWebhookSchema.parse(JSON.parse(readFileSync(path.join(GENESYS_FIXTURES, name), 'utf8'))),
  );
